#!/bin/bash
root_mnt="$(readlink /proc/1/ns/mnt)"
own=""
for pid in $(pgrep -f '^sleep 90202'); do
  [ "$(readlink "/proc/$pid/ns/mnt")" != "$root_mnt" ] && own="$pid"
done
[ -n "$own" ] || { echo "The sleep 90202 with its own mount namespace is gone: reload the lesson to start it again."; exit 1; }
f=/home/ubuntu/mount-pid.txt
[ -s "$f" ] || { echo "~/mount-pid.txt does not exist yet: find the PID with sudo lsns -t mnt."; exit 1; }
answer="$(tr -d '[:space:]' <"$f")"
[ "$answer" = "$own" ] || { echo "~/mount-pid.txt holds \"$answer\", not the PID of the sleep 90202 with a mount namespace of its own (look for sleep 90202 in sudo lsns -t mnt)."; exit 1; }
echo "Right: PID $own has a mount namespace of its own; the other two share the sandbox's."
