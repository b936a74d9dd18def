#!/bin/bash
# Any root filesystem works (the busybox image's, debootstrap's, busybox --install): it needs a shell that runs and a /proc directory.
r=/home/ubuntu/rootfs
[ -d "$r" ] || { echo "~/rootfs does not exist yet: run the three commands above."; exit 1; }
[ "$(readlink -f "$r")" != / ] || { echo "~/rootfs leads to the sandbox's own /: make it a directory of its own."; exit 1; }
[ -e "$r/bin/sh" ] || { echo "~/rootfs has no bin/sh yet: unpack the busybox image into it with docker export ... | sudo tar -x -C ~/rootfs"; exit 1; }
out="$(chroot "$r" /bin/sh -c 'echo rootfs-works' 2>&1)"
[ "$out" = rootfs-works ] || { echo "The shell in ~/rootfs does not run (${out:-no output}): its programs or libraries are missing."; exit 1; }
[ -d "$r/proc" ] || { echo "~/rootfs has no proc directory: create it (sudo mkdir ~/rootfs/proc); unshare --mount-proc needs it."; exit 1; }
echo "~/rootfs holds a small Linux whose shell runs: $(ls "$r/bin/" | wc -l) programs in bin."
