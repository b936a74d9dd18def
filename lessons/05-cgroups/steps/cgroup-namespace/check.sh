#!/bin/bash
read -r running mode mem < <(docker inspect -f '{{.State.Running}} {{.HostConfig.CgroupnsMode}} {{.HostConfig.Memory}}' viewer 2>/dev/null)
[ -n "$running" ] || { echo "There is no container named viewer yet: docker run -d --name viewer --cgroupns private --memory 64m busybox sleep 90502"; exit 1; }
[ "$running" = true ] || { echo "viewer is not running: docker start viewer"; exit 1; }
pid="$(docker inspect -f '{{.State.Pid}}' viewer)"
if [ "$mode" != private ] || [ "$(readlink "/proc/$pid/ns/cgroup")" = "$(readlink /proc/1/ns/cgroup)" ]; then
  echo "viewer shares the sandbox's cgroup namespace: docker rm -f viewer, then run it again with --cgroupns private."
  exit 1
fi
[ "$mem" = 67108864 ] || { echo "viewer has no 64 MiB memory limit: docker rm -f viewer, then run it again with --memory 64m."; exit 1; }
# The view from inside viewer's cgroup namespace: its own cgroup is the root.
inside="$(nsenter -t "$pid" -C cat "/proc/$pid/cgroup" 2>/dev/null | awk -F: '$2 ~ /(^|,)memory(,|$)/ || $1 == "0" { print $3; exit }')"
[ "$inside" = / ] || { echo "From inside viewer, its memory cgroup should look like /, but it is \"$inside\"."; exit 1; }
echo "Right: inside viewer its cgroup is /, and the 64 MiB limit applies all the same."
