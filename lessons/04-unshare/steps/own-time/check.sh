#!/bin/bash
# Passes if any sleep 90405 is in a time namespace of its own whose boot-time clock runs ahead.
pids="$(pgrep -f '^sleep 90405')"
[ -n "$pids" ] || { echo "No sleep 90405 is running yet: sudo unshare --time --boottime 86400 sleep 90405 &"; exit 1; }
for pid in $pids; do
  if [ "$(readlink "/proc/$pid/ns/time")" = "$(readlink /proc/1/ns/time)" ]; then msg="sleep 90405 shares the sandbox's time namespace: start it with unshare --time."; continue; fi
  boot="$(awk '$1 == "boottime" { print $2 }' "/proc/$pid/timens_offsets" 2>/dev/null)"
  if [ "${boot:-0}" -lt 3600 ]; then msg="sleep 90405's boot-time clock is ${boot:-0} s ahead: give it --boottime 86400."; continue; fi
  echo "Right: in sleep 90405's time namespace the machine seems up $boot s longer; the date is unchanged."
  exit 0
done
echo "$msg"
exit 1
