#!/bin/bash
read -r running nano quota period < <(docker inspect -f '{{.State.Running}} {{.HostConfig.NanoCpus}} {{.HostConfig.CpuQuota}} {{.HostConfig.CpuPeriod}}' cruncher 2>/dev/null)
[ -n "$running" ] || { echo "There is no container named cruncher yet."; exit 1; }
[ "$running" = true ] || { echo "cruncher has stopped: its cgroup (and the evidence) went with it. Keep it running with sleep 90503 after the loop (docker rm cruncher, then run it again)."; exit 1; }
[ "$nano" = 250000000 ] || { [ "${period:-0}" -gt 0 ] && [ $((quota * 4)) = "$period" ]; } || { echo "cruncher is not limited to a quarter of a CPU: docker rm -f cruncher, then run it again with --cpus 0.25."; exit 1; }
pid="$(docker inspect -f '{{.State.Pid}}' cruncher)"
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then # cgroup v2
  dir="/sys/fs/cgroup$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup")"
else
  dir="/sys/fs/cgroup/cpu$(awk -F: '{ n = split($2, c, ","); for (i = 1; i <= n; i++) if (c[i] == "cpu") print $3 }' "/proc/$pid/cgroup")"
fi
throttled="$(awk '$1 == "nr_throttled" { print $2 }' "$dir/cpu.stat" 2>/dev/null)"
[ -n "$throttled" ] || { echo "The check could not read cruncher's cpu.stat; try again in a moment."; exit 1; }
[ "$throttled" -gt 0 ] || { echo "cruncher has not been throttled yet: give it work first (a busy loop), then sleep 90503."; exit 1; }
echo "Right: the kernel throttled cruncher in $throttled period(s): it waited, and nothing was killed."
