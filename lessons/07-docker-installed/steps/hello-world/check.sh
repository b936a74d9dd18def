#!/bin/bash
# The container is gone (--rm), but the daemon's event log remembers it.
destroyed="$(docker events --since 0 --until "$(date +%s.%N)" --filter type=container --filter image=hello-world --filter event=destroy --format '{{.ID}}' 2>/dev/null | head -n 1)"
if [ -z "$destroyed" ]; then
  if [ -n "$(docker ps -aq --filter ancestor=hello-world 2>/dev/null)" ]; then
    echo "A hello-world container ran but is still there (docker ps -a): run it again with --rm."
  else
    echo "No hello-world container has run and been removed yet: run docker run --rm hello-world."
  fi
  exit 1
fi
echo "hello-world ran, exited, and --rm removed it."
