#!/bin/bash
state="$(docker inspect -f '{{.State.Running}}' sleeper 2>/dev/null)"
if [ "$state" != true ]; then
  echo "No running container named sleeper yet: run the docker run command above."
  exit 1
fi
