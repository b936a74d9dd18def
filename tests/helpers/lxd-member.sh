#!/bin/bash
# Runs inside a nested LXD cluster member of the cluster test (tests/helpers/lxd-cluster.ts):
# a privileged container of the sandbox image whose init is `sleep`, so that nothing of the
# sandbox's own start runs. Test infrastructure only: members stand in for cluster hosts.
#   lxd-member.sh network ADDRESS/PREFIX GATEWAY       its address on the test's bridge
#   lxd-member.sh install MIRROR_HOST MIRROR_ADDRESS   Debian's lxd and lxcfs, from the apt mirror
#   lxd-member.sh start                                cgroups, lxcfs, then the LXD daemon
set -euo pipefail

case "$1" in
network)
  ip addr add "$2" dev eth0
  ip link set eth0 up
  ip route add default via "$3"
  ;;
install)
  # The host's address for its apt mirror (it may be known only to the host's /etc/hosts).
  [ -z "${3:-}" ] || echo "$3 $2" >>/etc/hosts
  apt-get update -q >/tmp/apt.log 2>&1 || { tail -n 20 /tmp/apt.log >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    lxd lxd-client lxcfs btrfs-progs uidmap dnsmasq-base >>/tmp/apt.log 2>&1 || { tail -n 20 /tmp/apt.log >&2; exit 1; }
  # The same subordinate ranges as the host's LXD (scripts/ensure-lxd.sh): the hardened
  # sandboxes' uid ranges (LXD_IDMAP_RANGE) lie in them.
  for f in /etc/subuid /etc/subgid; do
    sed -i '/^root:/d;/^_lxd:/d' "$f"
    printf 'root:1000000:1000000000\n_lxd:1000000:1000000000\n' >>"$f"
  done
  ;;
start)
  # cgroups where LXD looks for them (no systemd here to mount them), as system-init does.
  if ! mountpoint -q /sys/fs/cgroup; then
    mount -t tmpfs -o rw,nosuid,nodev,noexec,mode=755,size=1m cgroup /sys/fs/cgroup
    while IFS=: read -r _ ctrls _; do
      if [ -z "$ctrls" ]; then
        mkdir -p /sys/fs/cgroup/unified && mount -t cgroup2 -o rw,nosuid,nodev,noexec cgroup2 /sys/fs/cgroup/unified
        continue
      fi
      mkdir -p "/sys/fs/cgroup/${ctrls#name=}"
      mount -t cgroup -o "rw,nosuid,nodev,noexec,$ctrls" cgroup "/sys/fs/cgroup/${ctrls#name=}"
    done </proc/self/cgroup
  fi
  mkdir -p /var/lib/lxcfs /var/log/lxd
  setsid -f lxcfs /var/lib/lxcfs >/var/log/lxcfs.log 2>&1 </dev/null
  for _ in $(seq 1 20); do head -c1 /var/lib/lxcfs/proc/meminfo >/dev/null 2>&1 && break; sleep 0.5; done
  setsid -f lxd --group root --logfile /var/log/lxd/lxd.log >/var/log/lxd/stdout.log 2>&1 </dev/null
  lxd waitready --timeout=90
  ;;
*)
  echo "usage: $0 network ADDRESS/PREFIX GATEWAY | install MIRROR_HOST MIRROR_ADDRESS | start" >&2
  exit 2
  ;;
esac
