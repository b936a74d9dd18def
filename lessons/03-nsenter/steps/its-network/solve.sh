#!/bin/bash
PID=$(docker inspect -f '{{.State.Pid}}' box)
sudo nsenter -t $PID -u hostname
sudo nsenter -t $PID -n ip -br addr > ~/box-net.txt
