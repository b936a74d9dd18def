#!/bin/bash
docker exec limited cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us
docker exec limited cat /sys/fs/cgroup/pids/pids.max
docker exec limited free -m
docker exec limited cat /sys/fs/cgroup/memory/memory.limit_in_bytes
