#!/bin/bash
# Any ps layout with a PID column: every listed process that still runs must belong to ubuntu.
f=/home/ubuntu/my-processes.txt
[ -s "$f" ] || { echo "~/my-processes.txt does not exist yet."; exit 1; }
col="$(awk 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "PID") { print i; exit } }' "$f")"
[ -n "$col" ] || { echo "~/my-processes.txt has no PID column: save what ps -U ubuntu prints."; exit 1; }
mine=0
for pid in $(awk -v c="$col" 'NR > 1 { print $c }' "$f"); do
  [[ "$pid" =~ ^[0-9]+$ ]] || { echo "~/my-processes.txt does not look like ps output (\"$pid\" is no PID)."; exit 1; }
  owner="$(stat -c %U "/proc/$pid" 2>/dev/null)" || continue # ended since (ps itself, for one)
  [ "$owner" = ubuntu ] || { echo "~/my-processes.txt lists PID $pid, which belongs to $owner: select your own with -U ubuntu."; exit 1; }
  mine=$((mine + 1))
done
[ "$mine" -ge 1 ] || { echo "None of the processes in ~/my-processes.txt runs any more: run ps -U ubuntu again."; exit 1; }
echo "Right: $mine of your processes, and nobody else's."
