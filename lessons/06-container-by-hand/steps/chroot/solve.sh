#!/bin/bash
sudo chroot ~/rootfs /bin/sh -c 'ls /; hostname; ip link'
sudo chroot ~/rootfs /bin/sleep 90601 &
sleep 1
sudo ls -l /proc/$(pgrep -n -f 'sleep 90601')/root
