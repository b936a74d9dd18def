#!/bin/bash
if [ "$(docker inspect -f '{{.State.Running}}' web 2>/dev/null)" != true ]; then
  echo "The web container is not running: docker start web (or go back one step)."
  exit 1
fi
# docker cp reads the file out of the container without running anything in it.
content="$(docker cp web:/www/hello.txt - 2>/dev/null | tar -xO 2>/dev/null)"
if [ -z "$content" ]; then
  echo "There is no /www/hello.txt in web yet: create it with docker exec."
  exit 1
fi
echo "web now serves hello.txt: $content"
