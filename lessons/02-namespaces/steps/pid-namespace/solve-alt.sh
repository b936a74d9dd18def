#!/bin/bash
docker run -d --name ns-challenge busybox sleep 90203
PID=$(docker inspect -f '{{.State.Pid}}' ns-challenge)
sudo readlink /proc/$PID/ns/pid
sudo readlink /proc/$PID/ns/pid | tr -dc '0-9' > ~/pid-ns.txt
