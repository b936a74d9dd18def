#!/bin/bash
docker run -d --name box --hostname box busybox sleep 90301
PID=$(docker inspect -f '{{.State.Pid}}' box)
echo $PID
