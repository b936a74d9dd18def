#!/bin/bash
pid="$(pgrep -f '^sleep 86405' | head -n 1)"
[ -n "$pid" ] || { echo "No sleep 86405 is running yet: start it with unshare -r --uts sh -c 'hostname mine; exec sleep 86405' &."; exit 1; }
uid="$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")"
[ "$uid" = 1000 ] || { echo "sleep 86405 runs as uid $uid: start it as yourself, without sudo."; exit 1; }
[ "$(readlink "/proc/$pid/ns/user")" != "$(readlink /proc/1/ns/user)" ] || { echo "sleep 86405 has no user namespace of its own: use unshare -r."; exit 1; }
read -r inside outside count <"/proc/$pid/uid_map"
[ "$inside $outside $count" = "0 1000 1" ] || { echo "sleep 86405's uid_map is \"$inside $outside $count\", not 0 1000 1: use -r (--map-root-user)."; exit 1; }
name="$(nsenter -t "$pid" -u hostname 2>/dev/null)"
[ "$name" = mine ] || { echo "In sleep 86405's UTS namespace the hostname is \"$name\", not mine: add --uts and set it before exec sleep."; exit 1; }
echo "Right: root inside, uid 1000 outside, and a hostname of your own without sudo."
