#!/bin/bash
pid="$(pgrep -f '^sleep 86403' | head -n 1)"
[ -n "$pid" ] || { echo "No sleep 86403 is running yet: start it with the unshare-inside-unshare command above."; exit 1; }
nspid="$(awk '/^NSpid:/ { $1 = ""; print }' "/proc/$pid/status" | xargs)"
set -- $nspid
[ "$#" -ge 3 ] || { echo "sleep 86403 has PIDs in $# PID namespaces (NSpid: $nspid); it needs 3: two unshare --pid --fork, one inside the other."; exit 1; }
[ "${nspid##* }" = 1 ] || { echo "sleep 86403 is not PID 1 of its innermost namespace (NSpid: $nspid): use --fork in both."; exit 1; }
echo "Right: NSpid $nspid, one PID per namespace level."
