#!/bin/bash
f=/home/ubuntu/my-processes.txt
[ -s "$f" ] || { echo "~/my-processes.txt does not exist yet."; exit 1; }
head -n 1 "$f" | grep -q 'PID' || { echo "~/my-processes.txt has no PID header: use ps -U ubuntu -o pid,user,comm."; exit 1; }
if tail -n +2 "$f" | awk '{ print $2 }' | grep -qv '^ubuntu$'; then echo "~/my-processes.txt lists processes of other users: use -U ubuntu."; exit 1; fi
[ "$(wc -l <"$f")" -ge 2 ] || { echo "~/my-processes.txt lists no process."; exit 1; }
