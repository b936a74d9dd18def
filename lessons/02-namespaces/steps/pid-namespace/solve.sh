#!/bin/bash
docker run -d --name ns-challenge busybox sleep 90203
sudo lsns -t pid
sudo lsns -t pid -n -o NS,COMMAND | awk '/sleep 90203/ { print $1 }' > ~/pid-ns.txt
cat ~/pid-ns.txt
