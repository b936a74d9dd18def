#!/bin/bash
mkdir -p ~/rootfs/bin ~/rootfs/proc
cp /bin/busybox ~/rootfs/bin/
~/rootfs/bin/busybox --install ~/rootfs/bin
ls ~/rootfs ~/rootfs/bin | head -20
