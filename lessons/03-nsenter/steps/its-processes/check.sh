#!/bin/bash
[ "$(docker inspect -f '{{.State.Running}}' box 2>/dev/null)" = true ] || { echo "box is not running: start it again (step 1)."; exit 1; }
f=/home/ubuntu/box-ps.txt
[ -s "$f" ] || { echo "~/box-ps.txt is missing or empty: save what sudo nsenter -t \$PID -p -m ps prints."; exit 1; }
head -n 1 "$f" | grep -q 'PID' || { echo "~/box-ps.txt does not look like ps output (no PID header)."; exit 1; }
grep -Eq 'dockerd|tini|containerd' "$f" && { echo "~/box-ps.txt lists the sandbox's processes: join box's mount namespace too (-m)."; exit 1; }
grep -Eq '^ *1 .*sleep 86400' "$f" || { echo "In ~/box-ps.txt, sleep 86400 should be PID 1: join box's pid namespace too (-p)."; exit 1; }
grep -Eq '^ *[0-9]+ .*[[:space:]]ps$' "$f" || { echo "~/box-ps.txt does not list ps itself: use both -p and -m."; exit 1; }
echo "Right: in box's world, sleep is PID 1 and ps is the only other process."
