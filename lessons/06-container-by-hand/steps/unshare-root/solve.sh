#!/bin/bash
sudo unshare --mount --pid --net --ipc --uts --fork --root=$HOME/rootfs --mount-proc /bin/sh -c '{ hostname handmade; hostname; ps; ip link; } > /inside.txt'
cat ~/rootfs/inside.txt
