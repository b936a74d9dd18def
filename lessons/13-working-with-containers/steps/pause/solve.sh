#!/bin/bash
docker pause pages
docker ps --filter name=pages
curl --max-time 3 localhost:8083
ID=$(docker inspect -f '{{.Id}}' pages)
cat /sys/fs/cgroup/freezer/docker/$ID/freezer.state
