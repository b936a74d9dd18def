#!/bin/bash
pid="$(docker inspect -f '{{.State.Pid}}' ns-demo 2>/dev/null)"
[ -n "$pid" ] && [ "$pid" != 0 ] || { echo "The ns-demo container is not running: reload the lesson to start it again."; exit 1; }
expected="$(readlink "/proc/$pid/ns/net" | tr -dc '0-9')"
f=/home/ubuntu/net-inode.txt
[ -s "$f" ] || { echo "~/net-inode.txt does not exist yet."; exit 1; }
[ "$(tr -d '[:space:]' <"$f")" = "$expected" ] || { echo "~/net-inode.txt does not hold just the NS number of the container's net namespace (the line with sleep 90201)."; exit 1; }
echo "Right: net:[$expected] is the container's network namespace."
