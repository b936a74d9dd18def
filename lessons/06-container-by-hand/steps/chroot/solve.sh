#!/bin/bash
sudo chroot ~/rootfs /bin/sh -c 'ls /; hostname; ps'
sudo chroot ~/rootfs /bin/sh -c 'ip link > /chroot-links.txt'
cat ~/rootfs/chroot-links.txt
