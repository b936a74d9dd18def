#!/bin/bash
box="$(docker inspect -f '{{.State.Pid}}' box 2>/dev/null)"
if [ -z "$box" ]; then echo "There is no container named box: run it as in step 1."; exit 1; fi
if [ "$box" = 0 ]; then echo "box has stopped: docker start box"; exit 1; fi
pids="$(pgrep -f '^sleep 90303')"
[ -n "$pids" ] || { echo "No sleep 90303 is running yet: start it with sudo nsenter -t \$PID -p -m sleep 90303 &"; exit 1; }
same() { [ "$(readlink "/proc/$1/ns/$2")" = "$(readlink "/proc/$3/ns/$2")" ]; }
for pid in $pids; do
  if ! same "$pid" pid "$box"; then msg="sleep 90303 is not in box's pid namespace: add -p."; continue; fi
  if ! same "$pid" mnt "$box"; then msg="sleep 90303 is in box's pid namespace, but not its mount namespace: add -m."; continue; fi
  # After -m, the program itself comes from box's files.
  if [ "$(stat -Lc '%d:%i' "/proc/$pid/exe" 2>/dev/null)" != "$(stat -Lc '%d:%i' "/proc/$box/exe" 2>/dev/null)" ]; then msg="sleep 90303 does not run box's busybox: join the mount namespace (-m)."; continue; fi
  inner="$(awk '/^NSpid:/ { print $NF }' "/proc/$pid/status")"
  echo "Right: sleep 90303 is PID $pid in your sandbox and PID $inner in box, and runs box's own busybox."
  exit 0
done
echo "$msg"
exit 1
