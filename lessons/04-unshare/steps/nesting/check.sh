#!/bin/bash
# Passes if any sleep 90406 has PIDs in three nested PID namespaces; else explains the newest.
judge() {
  nspid="$(awk '/^NSpid:/ { $1 = ""; print }' "/proc/$1/status" | xargs)"
  set -- $nspid
  [ "$#" -ge 3 ] || { echo "sleep 90406 has PIDs in $# PID namespaces (NSpid: $nspid); it needs 3: two unshare --pid --fork, one inside the other."; return 1; }
  [ "${nspid##* }" = 1 ] || { echo "sleep 90406 is not PID 1 of its innermost namespace (NSpid: $nspid): use --fork in both."; return 1; }
  echo "$nspid"
}
pids="$(pgrep -f '^sleep 90406')"
[ -n "$pids" ] || { echo "No sleep 90406 is running yet: start it with the unshare-inside-unshare line above."; exit 1; }
for pid in $pids; do
  if msg="$(judge "$pid")"; then echo "Right: NSpid $msg, one PID per namespace level."; exit 0; fi
done
echo "$msg"
exit 1
