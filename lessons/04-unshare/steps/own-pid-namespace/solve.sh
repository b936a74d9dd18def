#!/bin/bash
sudo unshare --pid --fork --mount-proc ps
sudo unshare --pid --fork --mount-proc sleep 90401 >/dev/null 2>&1 &
sleep 1
grep NSpid /proc/$(pgrep -n -f '^sleep 90401')/status
