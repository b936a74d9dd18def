#!/bin/bash
sudo unshare --mount --pid --net --ipc --uts --fork --root=$HOME/rootfs --mount-proc /bin/sleep 90604 &
sleep 1
sudo mkdir /sys/fs/cgroup/memory/mine
echo 33554432 | sudo tee /sys/fs/cgroup/memory/mine/memory.limit_in_bytes
pgrep -n -f 'sleep 90604' | sudo tee /sys/fs/cgroup/memory/mine/cgroup.procs
