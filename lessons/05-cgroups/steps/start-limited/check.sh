#!/bin/bash
read -r running mem cpus quota period pids < <(docker inspect -f '{{.State.Running}} {{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.CpuQuota}} {{.HostConfig.CpuPeriod}} {{.HostConfig.PidsLimit}}' limited 2>/dev/null)
[ -n "$running" ] || { echo "No container named limited yet: run the docker run command above."; exit 1; }
[ "$running" = true ] || { echo "limited is not running: remove it (docker rm -f limited) and run the command again."; exit 1; }
fix="remove it (docker rm -f limited) and start it again with"
[ "$mem" = 67108864 ] || { echo "limited has no 64 MiB memory limit: $fix --memory 64m."; exit 1; }
[ "$cpus" = 500000000 ] || { [ "${period:-0}" -gt 0 ] && [ $((quota * 2)) = "$period" ]; } || { echo "limited is not limited to half a CPU: $fix --cpus 0.5."; exit 1; }
[ "$pids" = 50 ] || { echo "limited has no limit of 50 processes: $fix --pids-limit 50."; exit 1; }
echo "limited runs with 64 MiB, half a CPU and 50 processes."
