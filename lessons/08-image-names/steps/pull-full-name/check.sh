#!/bin/bash
if docker image inspect registry:2 >/dev/null 2>&1; then
  echo "registry:2 is here: its full name is docker.io/library/registry:2."
  exit 0
fi
if docker image inspect registry:latest >/dev/null 2>&1; then
  echo "You pulled registry:latest; this lesson uses the tag 2: docker pull registry:2"
else
  echo "There is no image registry:2 yet: docker pull registry:2"
fi
exit 1
