#!/bin/bash
expected="$(docker inspect -f '{{.State.Pid}}' sleeper 2>/dev/null)"
if [ -z "$expected" ] || [ "$expected" = 0 ]; then
  if docker inspect sleeper >/dev/null 2>&1; then echo "The sleeper container is not running: docker start sleeper"; else echo "There is no container named sleeper: run it again (the docker run line of step 1)."; fi
  exit 1
fi
if [ "${ANSWER:-}" != "$expected" ]; then
  echo "That is not the PID of sleeper's sleep process: look at the second column of ps -ef."
  exit 1
fi
echo "Right: PID $expected is the container's process."
