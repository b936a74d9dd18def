#!/bin/bash
if docker image inspect myimage:latest >/dev/null 2>&1; then
  echo "myimage:latest is still there: docker rmi myimage"
  exit 1
fi
for tag in v1 v2; do
  docker image inspect "myimage:$tag" >/dev/null 2>&1 || { echo "myimage:$tag is gone too: give it back with docker tag (only latest should go)."; exit 1; }
done
echo "Only the name latest went; the image stays under v1 and v2."
