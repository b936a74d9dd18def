#!/bin/bash
# Passes if a sleep 90602 runs in ~/rootfs as PID 1 of its own namespace, with its own mount,
# network (only lo), IPC and UTS (hostname handmade) namespaces.
root="$(stat -c '%d:%i' /home/ubuntu/rootfs 2>/dev/null)"
[ -n "$root" ] || { echo "~/rootfs is missing: go back to the first step."; exit 1; }
pids="$(pgrep -f '^(/bin/)?sleep 90602$')"
[ -n "$pids" ] || { echo "No sleep 90602 is running yet: run the unshare ... --root=\$HOME/rootfs line that ends with exec sleep 90602' &"; exit 1; }
for pid in $pids; do
  if [ "$(stat -Lc '%d:%i' "/proc/$pid/root/" 2>/dev/null)" != "$root" ]; then msg="sleep 90602 does not have ~/rootfs as its root: use --root=\$HOME/rootfs."; continue; fi
  for kind in mnt pid net ipc uts; do
    if [ "$(readlink "/proc/$pid/ns/$kind")" = "$(readlink "/proc/1/ns/$kind")" ]; then msg="sleep 90602 shares the sandbox's $kind namespace: use --mount --pid --net --ipc --uts."; continue 2; fi
  done
  if [ "$(awk '/^NSpid:/ { print $NF }' "/proc/$pid/status")" != 1 ]; then msg="sleep 90602 is not PID 1 of its namespace: use --fork, and exec sleep."; continue; fi
  links="$(nsenter -t "$pid" -n ip -o link show 2>/dev/null | awk -F': ' '{ print $2 }' | paste -sd ' ' -)"
  if [ "$links" != lo ]; then msg="sleep 90602's network has: $links (a new one has only lo)."; continue; fi
  name="$(nsenter -t "$pid" -u hostname 2>/dev/null)"
  if [ "$name" != handmade ]; then msg="sleep 90602's hostname is \"$name\", not handmade."; continue; fi
  echo "Right: its own files, PID 1, hostname and network: a container without Docker."
  exit 0
done
echo "$msg"
exit 1
