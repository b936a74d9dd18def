#!/bin/bash
mine=/home/ubuntu/my-namespaces.txt all=/home/ubuntu/all-namespaces.txt
[ -s "$all" ] || { echo "~/all-namespaces.txt does not exist yet: run sudo lsns > ~/all-namespaces.txt"; exit 1; }
head -n 1 "$all" | grep -q 'NS *TYPE' || { echo "~/all-namespaces.txt does not look like lsns output."; exit 1; }
pid="$(docker inspect -f '{{.State.Pid}}' ns-demo 2>/dev/null)"
[ -n "$pid" ] && [ "$pid" != 0 ] || { echo "The ns-demo container is not running: reload the lesson to start it again."; exit 1; }
# The container's own namespaces (live inodes) must be in the list: only root's lsns shows them.
net="$(readlink "/proc/$pid/ns/net" | tr -dc '0-9')"
awk 'NR > 1 { print $1 }' "$all" | grep -qx "$net" || { echo "~/all-namespaces.txt does not show the container's namespaces (sleep 90201): did you use sudo?"; exit 1; }
[ "$(wc -l <"$all")" -gt "$(wc -l <"$mine" 2>/dev/null || echo 0)" ] || { echo "Root's list should be longer than yours: use sudo lsns."; exit 1; }
echo "Right: root sees the container's namespaces too."
