#!/bin/bash
unshare --uts hostname nope
unshare -r --uts sh -c 'id; hostname mine; hostname'
unshare -r --uts sh -c 'hostname mine; exec sleep 90407' >/dev/null 2>&1 &
sleep 1
cat /proc/$(pgrep -n -f '^sleep 90407')/uid_map
