#!/bin/bash
pid="$(docker inspect -f '{{.State.Pid}}' limited 2>/dev/null)"
if [ -z "$pid" ]; then echo "There is no container named limited: run it as in step 1."; exit 1; fi
if [ "$pid" = 0 ]; then echo "limited has stopped: docker start limited"; exit 1; fi
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then # cgroup v2
  dir="/sys/fs/cgroup$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup")"
else
  dir="/sys/fs/cgroup/pids$(awk -F: '$2 == "pids" { print $3 }' "/proc/$pid/cgroup")"
fi
[ -r "$dir/pids.max" ] || { echo "The check could not find limited's pids cgroup; try again in a moment."; exit 1; }
[ "$(cat "$dir/pids.max")" != max ] || { echo "limited has no process limit: docker rm -f limited, then run it again with --pids-limit 50 (step 1)."; exit 1; }
hits="$(awk '$1 == "max" { print $2 }' "$dir/pids.events" 2>/dev/null)"
[ "${hits:-0}" -gt 0 ] || { echo "limited's pids limit has not been hit yet: run the loop with docker exec limited."; exit 1; }
echo "Right: the pids controller refused $hits fork(s) in limited; the rest of the sandbox went on."
