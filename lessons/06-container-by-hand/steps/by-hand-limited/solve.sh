#!/bin/bash
sudo mkdir -p /sys/fs/cgroup/memory/handmade
echo 32M | sudo tee /sys/fs/cgroup/memory/handmade/memory.limit_in_bytes
sudo sh -c 'echo $$ > /sys/fs/cgroup/memory/handmade/cgroup.procs; exec unshare --mount --pid --net --ipc --uts --fork --root=/home/ubuntu/rootfs --mount-proc /bin/sleep 90604' &
sleep 1
cat /proc/$(pgrep -n -f 'sleep 90604')/cgroup | grep memory
