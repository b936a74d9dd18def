#!/bin/bash
# Three sleep 90202: one with a mount namespace of its own, in a random place among them (idempotent).
if [ "$(pgrep -fc '^sleep 90202')" != 3 ]; then
  pkill -KILL -f '^sleep 90202'
  own=$((RANDOM % 3))
  for i in 0 1 2; do
    if [ "$i" = "$own" ]; then
      setsid unshare --mount --propagation private sleep 90202 </dev/null >/dev/null 2>&1 &
    else
      setsid sleep 90202 </dev/null >/dev/null 2>&1 &
    fi
    sleep 0.2
  done
fi
