#!/bin/bash
sudo unshare --mount --pid --net --ipc --uts --fork --root=$HOME/rootfs --mount-proc /bin/sh -c 'hostname handmade; hostname; ps; ip link'
sudo unshare --mount --pid --net --ipc --uts --fork --root=$HOME/rootfs --mount-proc /bin/sh -c 'hostname handmade; exec sleep 90602' &
sleep 1
sudo nsenter -t $(pgrep -n -f 'sleep 90602') -a ps
