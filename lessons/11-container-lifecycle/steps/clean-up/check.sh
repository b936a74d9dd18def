#!/bin/bash
left="$(docker ps -aq | wc -l)"
if [ "$left" -gt 0 ]; then
  echo "$left container(s) still exist (docker ps -a lists them): docker rm -f \$(docker ps -aq)"
  exit 1
fi
echo "No containers left. The images are still there."
