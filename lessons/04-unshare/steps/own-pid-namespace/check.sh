#!/bin/bash
# Passes if any sleep 90401 is PID 1 of a PID namespace of its own; else explains the newest.
judge() {
  [ "$(readlink "/proc/$1/ns/pid")" != "$(readlink /proc/1/ns/pid)" ] || { echo "sleep 90401 runs in the sandbox's PID namespace: start it with unshare --pid --fork."; return 1; }
  nspid="$(awk '/^NSpid:/ { $1 = ""; print }' "/proc/$1/status" | xargs)"
  [ "${nspid##* }" = 1 ] || { echo "sleep 90401 is not PID 1 of its namespace (NSpid: $nspid): use --fork so that it is unshare's child."; return 1; }
}
pids="$(pgrep -f '^sleep 90401')"
[ -n "$pids" ] || { echo "No sleep 90401 is running yet: run the line that ends with sleep 90401 &"; exit 1; }
for pid in $pids; do
  if msg="$(judge "$pid")"; then echo "Right: sleep 90401 is PID $pid in the sandbox and PID 1 in its own namespace."; exit 0; fi
done
echo "$msg"
exit 1
