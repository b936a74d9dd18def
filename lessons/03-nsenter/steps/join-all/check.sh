#!/bin/bash
box="$(docker inspect -f '{{.State.Pid}}' box 2>/dev/null)"
if [ -z "$box" ]; then echo "There is no container named box: run it as in step 1."; exit 1; fi
if [ "$box" = 0 ]; then echo "box has stopped: docker start box"; exit 1; fi
pids="$(pgrep -f '^sleep 90304')"
[ -n "$pids" ] || { echo "No sleep 90304 is running yet: start it with sudo nsenter -t \$PID -a sleep 90304 &"; exit 1; }
for pid in $pids; do
  missing=""
  for kind in mnt pid net uts ipc cgroup user time; do
    [ -e "/proc/$box/ns/$kind" ] || continue
    [ "$(readlink "/proc/$pid/ns/$kind")" = "$(readlink "/proc/$box/ns/$kind")" ] || missing="$missing $kind"
  done
  if [ -n "$missing" ]; then msg="sleep 90304 is not in box's$missing namespace(s): use -a to join them all."; continue; fi
  echo "Right: sleep 90304 is in every one of box's namespaces, yet not in box's cgroup, so docker top box leaves it out."
  exit 0
done
echo "$msg"
exit 1
