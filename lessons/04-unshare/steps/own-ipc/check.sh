#!/bin/bash
# Passes if any sleep 90404 is in an IPC namespace of its own that holds a message queue.
pids="$(pgrep -f '^sleep 90404')"
[ -n "$pids" ] || { echo "No sleep 90404 is running yet: run the unshare --ipc line that ends with exec sleep 90404' &"; exit 1; }
for pid in $pids; do
  if [ "$(readlink "/proc/$pid/ns/ipc")" = "$(readlink /proc/1/ns/ipc)" ]; then msg="sleep 90404 shares the sandbox's IPC namespace: start it with unshare --ipc."; continue; fi
  queues="$(nsenter -t "$pid" -i ipcs -q 2>/dev/null | grep -c '^0x')"
  if [ "$queues" -lt 1 ]; then msg="sleep 90404's IPC namespace has no message queue: run ipcmk -Q in it before exec sleep 90404."; continue; fi
  echo "Right: sleep 90404's IPC namespace holds $queues queue(s) that the sandbox cannot see."
  exit 0
done
echo "$msg"
exit 1
