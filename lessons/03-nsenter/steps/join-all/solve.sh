#!/bin/bash
PID=$(docker inspect -f '{{.State.Pid}}' box)
sudo nsenter -t $PID -a sleep 90304 &
sleep 1
docker top box
sudo nsenter -t 1 -a hostname
sudo readlink /proc/1/ns/net
readlink /proc/$$/ns/net
