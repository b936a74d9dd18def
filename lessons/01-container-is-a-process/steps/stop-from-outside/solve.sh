#!/bin/bash
docker run -d --name napper busybox sleep 600
sleep 1
PID=$(pgrep -f '^sleep 600')
sudo kill -9 $PID
sleep 1
docker ps -a --filter name=napper
