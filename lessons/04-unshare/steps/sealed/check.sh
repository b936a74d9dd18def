#!/bin/bash
pids="$(pgrep -f '^sleep 90408')"
[ -n "$pids" ] || { echo "No sleep 90408 is running yet."; exit 1; }
for pid in $pids; do
  for kind in pid uts net; do
    if [ "$(readlink "/proc/$pid/ns/$kind")" = "$(readlink /proc/1/ns/$kind)" ]; then msg="sleep 90408 shares the sandbox's $kind namespace."; continue 2; fi
  done
  nspid="$(awk '/^NSpid:/ { print $NF }' "/proc/$pid/status")"
  if [ "$nspid" != 1 ]; then msg="sleep 90408 is PID $nspid of its namespace, not 1: use --fork, and exec sleep if a shell starts it."; continue; fi
  name="$(nsenter -t "$pid" -u hostname 2>/dev/null)"
  if [ "$name" != sealed ]; then msg="sleep 90408's hostname is \"$name\", not sealed."; continue; fi
  links="$(nsenter -t "$pid" -n ip -o link show 2>/dev/null | awk -F': ' '{ print $2 }' | paste -sd ' ' -)"
  if [ "$links" != lo ]; then msg="sleep 90408's network has: $links (a new one has only lo)."; continue; fi
  echo "Right: PID 1 of its own namespace, hostname sealed, and only loopback."
  exit 0
done
echo "$msg"
exit 1
