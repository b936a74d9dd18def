#!/bin/bash
docker run -dit --name talker busybox sh
docker attach talker
# type: sleep 91301 &
# keys: Ctrl-P Ctrl-Q
docker top talker -o pid,ppid,args
