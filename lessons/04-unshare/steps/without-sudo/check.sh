#!/bin/bash
# Passes if any sleep 90407 runs as ubuntu, root in a user namespace of its own, with hostname mine.
judge() {
  uid="$(awk '/^Uid:/ { print $2 }' "/proc/$1/status")"
  [ "$uid" = 1000 ] || { echo "sleep 90407 runs as uid $uid: start it as yourself, without sudo."; return 1; }
  [ "$(readlink "/proc/$1/ns/user")" != "$(readlink /proc/1/ns/user)" ] || { echo "sleep 90407 has no user namespace of its own: use unshare -r."; return 1; }
  read -r inside outside count <"/proc/$1/uid_map"
  [ "$inside $outside $count" = "0 1000 1" ] || { echo "sleep 90407's uid_map is \"$inside $outside $count\", not 0 1000 1: use -r (--map-root-user)."; return 1; }
  name="$(nsenter -t "$1" -u hostname 2>/dev/null)"
  [ "$name" = mine ] || { echo "In sleep 90407's UTS namespace the hostname is \"$name\", not mine: add --uts and set it before exec sleep."; return 1; }
}
pids="$(pgrep -f '^sleep 90407')"
[ -n "$pids" ] || { echo "No sleep 90407 is running yet: run the unshare -r line that ends with exec sleep 90407' & (no sudo)."; exit 1; }
for pid in $pids; do
  if msg="$(judge "$pid")"; then echo "Right: root inside, uid 1000 outside, and a hostname of your own without sudo."; exit 0; fi
done
echo "$msg"
exit 1
