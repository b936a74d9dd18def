#!/bin/bash
sudo lsns -t net -n -o NS,COMMAND | awk '/sleep 86400/ { print $1 }' > ~/net-inode.txt
