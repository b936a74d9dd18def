#!/bin/bash
PID=$(docker inspect -f '{{.State.Pid}}' box)
sudo nsenter -t $PID -u hostname
sudo nsenter -t $PID -n ip -br addr
ip -br addr
sudo nsenter -t $PID -u -n sleep 90302 &
sleep 1
