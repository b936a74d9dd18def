#!/bin/bash
PID=$(docker inspect -f '{{.State.Pid}}' box)
sudo nsenter -t $PID -p -m ps > ~/box-ps.txt
