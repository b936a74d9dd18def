#!/bin/bash
sudo lsns -t net -n -o NS,COMMAND | awk '/sleep 90201/ { print $1 }' > ~/net-inode.txt
