#!/bin/bash
docker run -dit --name talker busybox sh
docker attach --detach-keys ctrl-x,x talker
# type: sleep 91301 &
# keys: Ctrl-X x
docker top talker -o pid,ppid,args
