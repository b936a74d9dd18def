#!/bin/bash
PID=$(docker inspect -f '{{.State.Pid}}' box)
sudo nsenter -t $PID -n busybox httpd -p 8090 -h /etc
docker exec box wget -qO- localhost:8090/hostname
