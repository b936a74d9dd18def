#!/bin/bash
docker exec limited sh -c 'for i in $(seq 100); do sleep 5 & done; wait'
ID=$(docker inspect -f '{{.Id}}' limited)
cat /sys/fs/cgroup/pids/docker/$ID/pids.events
