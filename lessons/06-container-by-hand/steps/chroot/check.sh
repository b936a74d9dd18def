#!/bin/bash
# Passes if a sleep 90601 runs with ~/rootfs as its root and every namespace of the sandbox.
root="$(stat -c '%d:%i' /home/ubuntu/rootfs 2>/dev/null)"
[ -n "$root" ] || { echo "~/rootfs is missing: go back one step."; exit 1; }
pids="$(pgrep -f '^(/bin/)?sleep 90601$')"
[ -n "$pids" ] || { echo "No sleep 90601 is running yet: sudo chroot ~/rootfs /bin/sleep 90601 &"; exit 1; }
for pid in $pids; do
  if [ "$(stat -Lc '%d:%i' "/proc/$pid/root/" 2>/dev/null)" != "$root" ]; then msg="sleep 90601 does not have ~/rootfs as its root: start it with sudo chroot ~/rootfs."; continue; fi
  for kind in mnt pid net uts ipc; do
    if [ "$(readlink "/proc/$pid/ns/$kind")" != "$(readlink "/proc/1/ns/$kind")" ]; then msg="sleep 90601 has a $kind namespace of its own: this step is chroot alone, without unshare."; continue 2; fi
  done
  echo "Right: sleep 90601 sees ~/rootfs as /, and shares every namespace with the sandbox."
  exit 0
done
echo "$msg"
exit 1
