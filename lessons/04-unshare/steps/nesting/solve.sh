#!/bin/bash
sudo unshare --pid --fork --mount-proc unshare --pid --fork --mount-proc sleep 86403 >/dev/null 2>&1 &
sleep 1
grep NSpid /proc/$(pgrep -n -f '^sleep 86403')/status
