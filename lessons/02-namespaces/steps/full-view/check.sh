#!/bin/bash
mine=/home/ubuntu/my-namespaces.txt all=/home/ubuntu/all-namespaces.txt
[ -s "$all" ] || { echo "~/all-namespaces.txt does not exist yet: run sudo lsns > ~/all-namespaces.txt"; exit 1; }
head -n 1 "$all" | grep -q 'NS *TYPE' || { echo "~/all-namespaces.txt does not look like lsns output."; exit 1; }
grep -q 'sleep 86400' "$all" || { echo "~/all-namespaces.txt does not show the container (sleep 86400): did you use sudo?"; exit 1; }
[ "$(wc -l <"$all")" -gt "$(wc -l <"$mine" 2>/dev/null || echo 0)" ] || { echo "Root's list should be longer than yours: use sudo lsns."; exit 1; }
