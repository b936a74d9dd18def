#!/bin/bash
r=/home/ubuntu/rootfs
[ -d "$r" ] || { echo "~/rootfs does not exist yet: run the three commands above."; exit 1; }
[ -x "$r/bin/sh" ] && [ -x "$r/bin/busybox" ] || { echo "~/rootfs has no bin/sh yet: unpack the busybox image into it with docker export ... | sudo tar -x -C ~/rootfs"; exit 1; }
[ -d "$r/proc" ] || { echo "~/rootfs has no proc directory: create it (sudo mkdir ~/rootfs/proc), unshare --mount-proc needs it."; exit 1; }
echo "~/rootfs holds a small Linux: $(ls "$r/bin" | wc -l) programs in bin."
