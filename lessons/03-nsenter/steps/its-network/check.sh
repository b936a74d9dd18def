#!/bin/bash
box="$(docker inspect -f '{{.State.Pid}}' box 2>/dev/null)"
if [ -z "$box" ]; then echo "There is no container named box: run it as in step 1."; exit 1; fi
if [ "$box" = 0 ]; then echo "box has stopped: docker start box"; exit 1; fi
pids="$(pgrep -f '^sleep 90302')"
[ -n "$pids" ] || { echo "No sleep 90302 is running yet: start it with sudo nsenter -t \$PID -u -n sleep 90302 &"; exit 1; }
same() { [ "$(readlink "/proc/$1/ns/$2")" = "$(readlink "/proc/$3/ns/$2")" ]; }
for pid in $pids; do
  if ! same "$pid" net "$box"; then msg="sleep 90302 is not in box's network namespace: use -t \$PID -n (is \$PID box's PID?)."; continue; fi
  if ! same "$pid" uts "$box"; then msg="sleep 90302 has box's network but not its hostname: add -u."; continue; fi
  if ! same "$pid" mnt 1 || ! same "$pid" pid 1; then msg="sleep 90302 joined more than box's uts and net namespaces: use only -u -n."; continue; fi
  echo "Right: sleep 90302 has box's hostname and network, and your sandbox's files and processes."
  exit 0
done
echo "$msg"
exit 1
