#!/bin/bash
pid="$(docker inspect -f '{{.State.Pid}}' limited 2>/dev/null)"
if [ -z "$pid" ]; then echo "There is no container named limited: run it as in step 1."; exit 1; fi
if [ "$pid" = 0 ]; then echo "limited has stopped: docker start limited"; exit 1; fi
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then # cgroup v2: one tree, cpu.max = "quota period"
  path="$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup")"
  expected="$(awk '{ print $1 }' "/sys/fs/cgroup$path/cpu.max" 2>/dev/null)"
else
  path="$(awk -F: '{ n = split($2, c, ","); for (i = 1; i <= n; i++) if (c[i] == "cpu") print $3 }' "/proc/$pid/cgroup")"
  expected="$(cat "/sys/fs/cgroup/cpu$path/cpu.cfs_quota_us" 2>/dev/null)"
fi
[ -n "$expected" ] || { echo "The check could not find limited's cpu cgroup; try again in a moment."; exit 1; }
[ "$expected" != -1 ] && [ "$expected" != max ] || { echo "limited has no CPU limit: docker rm -f limited, then run it again with --cpus 0.5 (step 1)."; exit 1; }
answer="$(echo "${ANSWER:-}" | tr -d '[:space:]')"
[ "$answer" = "$expected" ] || { echo "Not quite: type what cat /sys/fs/cgroup/cpu/docker/\$ID/cpu.cfs_quota_us prints."; exit 1; }
echo "Right: $expected µs per 100000 µs period, half a CPU, written by Docker and enforced by the kernel."
