#!/bin/bash
cat /proc/uptime
sudo unshare --time --boottime 86400 cat /proc/uptime
date
sudo unshare --time --boottime 86400 date
sudo unshare --time --boottime 86400 sleep 90405 &
sleep 1
sudo cat /proc/$(pgrep -n -f '^sleep 90405')/timens_offsets
