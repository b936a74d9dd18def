#!/bin/bash
image_id() { docker image inspect -f '{{.Id}}' "$1" 2>/dev/null; }
v1="$(image_id myimage:v1)"
[ -n "$v1" ] || { echo "myimage:v1 is missing: reload the lesson to build it again."; exit 1; }
for tag in v2 latest; do
  other="$(image_id "myimage:$tag")"
  [ -n "$other" ] || { echo "There is no image named myimage:$tag yet: docker tag myimage:v1 myimage:$tag"; exit 1; }
  [ "$other" = "$v1" ] || { echo "myimage:$tag points at another image than myimage:v1: tag it again from myimage:v1."; exit 1; }
done
echo "myimage:v1, v2 and latest are three names for one image."
