#!/bin/bash
sudo unshare --uts sh -c 'hostname island; hostname'
hostname
sudo unshare --uts sh -c 'hostname island; exec sleep 90402' >/dev/null 2>&1 &
sleep 1
