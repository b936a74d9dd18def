#!/bin/bash
PID=$(docker inspect -f '{{.State.Pid}}' box)
sudo lsns -p $PID
sudo nsenter -t $PID -T date
sudo nsenter -t $PID -U true
# Shared namespaces: their lowest PID is 1.
sudo lsns -p $PID -n -o PID | awk '$1 == 1' | wc -l
