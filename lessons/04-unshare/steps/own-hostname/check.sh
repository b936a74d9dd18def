#!/bin/bash
pid="$(pgrep -f '^sleep 86404' | head -n 1)"
[ -n "$pid" ] || { echo "No sleep 86404 is running yet: start it with the second command above (the one with exec sleep 86404 &)."; exit 1; }
[ "$(readlink "/proc/$pid/ns/uts")" != "$(readlink /proc/1/ns/uts)" ] || { echo "sleep 86404 shares the sandbox's UTS namespace: start it with unshare --uts."; exit 1; }
name="$(nsenter -t "$pid" -u hostname 2>/dev/null)"
[ "$name" = island ] || { echo "In sleep 86404's UTS namespace the hostname is \"$name\", not island."; exit 1; }
[ "$(hostname)" != island ] || { echo "The sandbox itself is called island now: a hostname set without unshare --uts changes everyone's. Set it back: sudo hostname $(cat /etc/hostname)"; exit 1; }
echo "Right: island exists only in sleep 86404's UTS namespace."
