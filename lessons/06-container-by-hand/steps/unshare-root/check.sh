#!/bin/bash
f=/home/ubuntu/rootfs/inside.txt
[ -s "$f" ] || { echo "~/rootfs/inside.txt does not exist yet: run the unshare ... > /inside.txt command above."; exit 1; }
grep -qx 'handmade' "$f" || { echo "~/rootfs/inside.txt does not show the hostname handmade: use --uts and hostname handmade."; exit 1; }
grep -Eq '^ *1 +[a-z]+ +/bin/sh' "$f" || { echo "In ~/rootfs/inside.txt, /bin/sh is not PID 1: use --pid --fork --mount-proc."; exit 1; }
grep -q 'sandbox-init\|dockerd' "$f" && { echo "~/rootfs/inside.txt lists the sandbox's processes: use --pid --fork --mount-proc."; exit 1; }
n="$(grep -Ec '^[0-9]+: ' "$f")"
[ "$n" = 1 ] && grep -Eq '^[0-9]+: lo:' "$f" || { echo "~/rootfs/inside.txt lists $n network interfaces; a new network namespace (--net) has only lo."; exit 1; }
echo "Right: its own files, PID 1, hostname and network: a container without Docker."
