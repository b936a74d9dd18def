#!/bin/bash
ipcmk -Q
ipcs -q
sudo unshare --ipc ipcs -q
sudo unshare --ipc sh -c 'ipcmk -Q; exec sleep 90404' >/dev/null 2>&1 &
sleep 1
sudo nsenter -t $(pgrep -n -f '^sleep 90404') -i ipcs -q
