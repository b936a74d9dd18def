#!/bin/bash
pid="$(pgrep -f '^sleep 86402' | head -n 1)"
[ -n "$pid" ] || { echo "No sleep 86402 is running yet: start it with sudo unshare --pid --fork --mount-proc sleep 86402 &"; exit 1; }
[ "$(readlink "/proc/$pid/ns/pid")" != "$(readlink /proc/1/ns/pid)" ] || { echo "sleep 86402 runs in the sandbox's PID namespace: start it with unshare --pid --fork."; exit 1; }
nspid="$(awk '/^NSpid:/ { $1 = ""; print }' "/proc/$pid/status" | xargs)"
[ "${nspid##* }" = 1 ] || { echo "sleep 86402 is not PID 1 of its namespace (NSpid: $nspid): use --fork so that it is unshare's child."; exit 1; }
echo "Right: sleep 86402 is PID $pid in the sandbox and PID 1 in its own namespace."
