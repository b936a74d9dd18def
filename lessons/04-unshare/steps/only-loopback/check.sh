#!/bin/bash
# Passes if any sleep 90403 is in a network namespace of its own that has only lo.
pids="$(pgrep -f '^sleep 90403')"
[ -n "$pids" ] || { echo "No sleep 90403 is running yet: start it with sudo unshare --net sleep 90403 &"; exit 1; }
for pid in $pids; do
  if [ "$(readlink "/proc/$pid/ns/net")" = "$(readlink /proc/1/ns/net)" ]; then msg="sleep 90403 shares the sandbox's network namespace: start it with unshare --net."; continue; fi
  links="$(nsenter -t "$pid" -n ip -o link show 2>/dev/null | awk -F': ' '{ print $2 }' | paste -sd ' ' -)"
  if [ "$links" != lo ]; then msg="sleep 90403's network namespace has: $links (a new one has only lo)."; continue; fi
  echo "Right: a new network namespace has only lo, and it is down."
  exit 0
done
echo "$msg"
exit 1
