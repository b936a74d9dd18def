#!/bin/bash
f=/home/ubuntu/rootfs/chroot-links.txt
[ -s "$f" ] || { echo "~/rootfs/chroot-links.txt does not exist yet: run the chroot ... ip link > /chroot-links.txt command above."; exit 1; }
grep -Eq '^[0-9]+: lo:' "$f" || { echo "~/rootfs/chroot-links.txt does not look like ip link output."; exit 1; }
grep -q 'docker0' "$f" || { echo "~/rootfs/chroot-links.txt shows no docker0: write it with chroot alone, no unshare --net."; exit 1; }
echo "Right: inside the chroot, the network is still the sandbox's."
