#!/bin/bash
docker exec limited grep memory /proc/self/cgroup
docker run -d --name viewer --cgroupns private --memory 64m busybox sleep 90502
docker exec viewer grep memory /proc/self/cgroup
docker exec viewer cat /sys/fs/cgroup/memory/memory.limit_in_bytes
cat /proc/$(docker inspect -f '{{.State.Pid}}' viewer)/cgroup | grep memory
