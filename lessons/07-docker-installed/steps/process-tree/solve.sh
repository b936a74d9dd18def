#!/bin/bash
docker run -d --name shimmed busybox sleep 90701
ps -ef --forest | grep -B 1 'sleep 90701'
ps -o comm= -p $(ps -o ppid= -p $(pgrep -f '^sleep 90701'))
