#!/bin/bash
# Passes if any sleep 90402 has a UTS namespace of its own named island; else explains the newest.
[ "$(hostname)" != island ] || { echo "The sandbox itself is called island now: a hostname set without unshare --uts changes everyone's. Set it back: sudo hostname $(cat /etc/hostname)"; exit 1; }
judge() {
  [ "$(readlink "/proc/$1/ns/uts")" != "$(readlink /proc/1/ns/uts)" ] || { echo "sleep 90402 shares the sandbox's UTS namespace: start it with unshare --uts."; return 1; }
  name="$(nsenter -t "$1" -u hostname 2>/dev/null)"
  [ "$name" = island ] || { echo "In sleep 90402's UTS namespace the hostname is \"$name\", not island."; return 1; }
}
pids="$(pgrep -f '^sleep 90402')"
[ -n "$pids" ] || { echo "No sleep 90402 is running yet: run the line that ends with exec sleep 90402' &"; exit 1; }
for pid in $pids; do
  if msg="$(judge "$pid")"; then echo "Right: island exists only in sleep 90402's UTS namespace."; exit 0; fi
done
echo "$msg"
exit 1
