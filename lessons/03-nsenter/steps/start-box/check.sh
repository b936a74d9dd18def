#!/bin/bash
state="$(docker inspect -f '{{.State.Running}} {{.Config.Hostname}}' box 2>/dev/null)"
case "$state" in
  "true box") echo "box is running, with the hostname box." ;;
  "") echo "No container named box yet: run the docker run command above."; exit 1 ;;
  true*) echo "box runs with another hostname: remove it (docker rm -f box) and start it again with --hostname box."; exit 1 ;;
  *) echo "box is not running: docker start box (or docker rm -f box and run the docker run command again)."; exit 1 ;;
esac
