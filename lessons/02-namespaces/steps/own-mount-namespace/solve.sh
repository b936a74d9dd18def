#!/bin/bash
pgrep -f '^sleep 90202'
sudo lsns -t mnt
sudo lsns -t mnt -n -o PID,COMMAND | awk '/sleep 90202/ { print $1 }' > ~/mount-pid.txt
cat ~/mount-pid.txt
