#!/bin/bash
docker run -d --name cruncher --cpus 0.25 busybox sh -c 'i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; sleep 90503'
sleep 3
ID=$(docker inspect -f '{{.Id}}' cruncher)
cat /sys/fs/cgroup/cpu/docker/$ID/cpu.stat
