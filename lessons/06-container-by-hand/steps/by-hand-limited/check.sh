#!/bin/bash
root="$(stat -c '%d:%i' /home/ubuntu/rootfs 2>/dev/null)"
[ -n "$root" ] || { echo "~/rootfs is missing: make it again (first step)."; exit 1; }
pids="$(pgrep -f '^(/bin/)?sleep 90604$')"
[ -n "$pids" ] || { echo "No sleep 90604 is running yet."; exit 1; }
for pid in $pids; do
  if [ "$(stat -Lc '%d:%i' "/proc/$pid/root/" 2>/dev/null)" != "$root" ]; then msg="sleep 90604 does not have ~/rootfs as its root."; continue; fi
  for kind in mnt pid net ipc uts; do
    if [ "$(readlink "/proc/$pid/ns/$kind")" = "$(readlink "/proc/1/ns/$kind")" ]; then msg="sleep 90604 shares the sandbox's $kind namespace."; continue 2; fi
  done
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then # cgroup v2
    cg="$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup")"; file="/sys/fs/cgroup$cg/memory.max"
  else
    cg="$(awk -F: '{ n = split($2, c, ","); for (i = 1; i <= n; i++) if (c[i] == "memory") print $3 }' "/proc/$pid/cgroup")"; file="/sys/fs/cgroup/memory$cg/memory.limit_in_bytes"
  fi
  case "$cg" in
    / | "") msg="sleep 90604 is in the sandbox's own memory cgroup: make a new one (mkdir) and write the PID into its cgroup.procs."; continue ;;
    /docker/*) msg="sleep 90604 is in a cgroup Docker made: this challenge is without Docker."; continue ;;
  esac
  limit="$(cat "$file" 2>/dev/null)"
  if ! [[ "$limit" =~ ^[0-9]+$ ]] || [ "$limit" -gt 33554432 ]; then msg="sleep 90604's memory cgroup ($cg) has the limit \"$limit\", not 32 MiB (33554432)."; continue; fi
  echo "Right: files, namespaces and a $((limit / 1024 / 1024)) MiB memory cgroup ($cg), all by hand."
  exit 0
done
echo "$msg"
exit 1
