#!/bin/bash
ip="$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' box 2>/dev/null)"
[ "$(docker inspect -f '{{.State.Running}}' box 2>/dev/null)" = true ] && [ -n "$ip" ] || { echo "box is not running: start it again (step 1)."; exit 1; }
f=/home/ubuntu/box-net.txt
[ -s "$f" ] || { echo "~/box-net.txt is missing or empty: save what sudo nsenter -t \$PID -n ip -br addr prints."; exit 1; }
grep -qw lo "$f" || { echo "~/box-net.txt does not look like ip -br addr output (no lo)."; exit 1; }
grep -q 'docker0' "$f" && { echo "~/box-net.txt shows docker0: that is the sandbox's network. Did you use -t \$PID -n?"; exit 1; }
grep -qF "$ip/" "$f" || { echo "~/box-net.txt does not show box's address $ip: is \$PID box's PID?"; exit 1; }
echo "Right: box's network namespace has lo and one eth0 with $ip."
