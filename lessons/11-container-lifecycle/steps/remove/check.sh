#!/bin/bash
if [ -n "$(docker inspect -f '{{.Name}}' website 2>/dev/null)" ]; then
  echo "website still exists: docker rm -f website"
  exit 1
fi
echo "website is removed, with its writable layer."
