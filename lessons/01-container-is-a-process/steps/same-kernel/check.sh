#!/bin/bash
if [ "${ANSWER:-}" != "$(uname -r)" ]; then
  echo "Not quite: copy exactly what docker exec sleeper uname -r prints."
  exit 1
fi
echo "Yes: the container runs on the sandbox's own kernel."
