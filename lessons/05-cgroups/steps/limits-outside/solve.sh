#!/bin/bash
docker inspect -f '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}}' limited
ID=$(docker inspect -f '{{.Id}}' limited)
cat /sys/fs/cgroup/memory/docker/$ID/memory.limit_in_bytes
cat /sys/fs/cgroup/cpu/docker/$ID/cpu.cfs_quota_us
