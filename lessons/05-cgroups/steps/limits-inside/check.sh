#!/bin/bash
mem="$(docker inspect -f '{{.HostConfig.Memory}}' limited 2>/dev/null)"
[ -n "$mem" ] && [ "$mem" != 0 ] || { echo "limited is missing or has no memory limit: go back one step."; exit 1; }
answer="$(echo "${ANSWER:-}" | tr -d '[:space:]')"
[ "$answer" = "$mem" ] || { echo "Not quite: type the number that docker exec limited cat /sys/fs/cgroup/memory/memory.limit_in_bytes prints."; exit 1; }
echo "Right: $mem bytes = $((mem / 1024 / 1024)) MiB, the limit of limited's memory cgroup."
