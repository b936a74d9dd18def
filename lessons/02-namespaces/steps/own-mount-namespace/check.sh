#!/bin/bash
pid="$(pgrep -f '^sleep 86401' | head -n 1)"
[ -n "$pid" ] || { echo "The sleep 86401 process is gone: reload the lesson to start it again."; exit 1; }
f=/home/ubuntu/mount-pid.txt
[ -s "$f" ] || { echo "~/mount-pid.txt does not exist yet."; exit 1; }
[ "$(tr -d '[:space:]' <"$f")" = "$pid" ] || { echo "~/mount-pid.txt does not hold the PID of sleep 86401."; exit 1; }
[ "$(readlink "/proc/$pid/ns/mnt")" != "$(readlink /proc/1/ns/mnt)" ] || { echo "That process shares PID 1's mount namespace."; exit 1; }
