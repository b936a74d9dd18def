#!/bin/bash
PID=$(docker inspect -f '{{.State.Pid}}' box)
sudo nsenter -t $PID -p -m ps
sudo nsenter -t $PID -m ps
sudo nsenter -t $PID -p -m sleep 90303 &
sleep 1
sudo nsenter -t $PID -p -m ps
