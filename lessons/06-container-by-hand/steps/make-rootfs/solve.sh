#!/bin/bash
mkdir -p ~/rootfs
docker export $(docker create busybox) | sudo tar -x -C ~/rootfs
ls ~/rootfs ~/rootfs/bin | head -20
