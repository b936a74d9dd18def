#!/usr/bin/env bash
# Makes sure an LXD engine for sandboxes answers on this machine (SANDBOX_ENGINE=lxd):
# installs Debian's lxd, lxcfs and btrfs-progs when missing, starts lxcfs and the LXD daemon
# where no init system does (these machines have no systemd as PID 1), and creates what the
# driver uses when missing:
#   - the storage pool LXD_STORAGE_POOL (cp-pool): btrfs on a sparse loop file
#     (LXD_POOL_SIZE, 40GiB), which gives each sandbox's root disk its size limit;
#   - the bridge LXD_NETWORK (cpbr0): NAT, DHCP and DNS from LXD, no IPv6, on the first /16 of
#     LXD_BRIDGE_CANDIDATES that clashes with none of this host's routes (or LXD_BRIDGE_CIDR).
# Idempotent: a second run changes nothing. Prints the bridge's address range last.
set -euo pipefail
POOL="${LXD_STORAGE_POOL:-cp-pool}"
NET="${LXD_NETWORK:-cpbr0}"
POOL_SIZE="${LXD_POOL_SIZE:-40GiB}"
CANDIDATES="${LXD_BRIDGE_CANDIDATES:-10.214.0.1/16 10.215.0.1/16 10.216.0.1/16 172.30.0.1/16}"
step() { echo "==> $*" >&2; }
die() { echo "ensure-lxd.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root: LXD's daemon, its storage pool and its bridge belong to the host"

if ! command -v lxd >/dev/null 2>&1 || ! command -v lxcfs >/dev/null 2>&1 || ! command -v mkfs.btrfs >/dev/null 2>&1 || ! command -v dnsmasq >/dev/null 2>&1; then
  step "Installing lxd, lxcfs, btrfs-progs and dnsmasq from Debian (a minute or two)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends lxd lxd-client lxcfs btrfs-progs uidmap dnsmasq-base >/dev/null ||
    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends lxd lxd-client lxcfs btrfs-progs uidmap dnsmasq-base >/dev/null; } ||
    die "could not install lxd from Debian's packages"
fi

# Unprivileged containers take their uids from root's subordinate range (newuidmap allows
# root's), and LXD places isolated ones by the _lxd user's (Debian's package). Both start at
# 1,000,000: clear of 100000-165535, where the Docker engine's hardened learners live on this
# host (the package puts them at 100000), and are 1,000,000,000 long: room for 15,257
# isolated sandboxes of 65,536 uids each. LXD reads them at start.
for f in /etc/subuid /etc/subgid; do
  touch "$f"
  for user in root _lxd; do
    if ! grep -qx "$user:1000000:1000000000" "$f"; then
      sed -i "/^$user:/d" "$f"
      echo "$user:1000000:1000000000" >>"$f"
      SUBIDS_CHANGED=1
    fi
  done
done

# lxcfs: /proc/meminfo, /proc/cpuinfo and uptime of the container's own. LXD's start hook
# bind-mounts them only when /var/lib/lxcfs answers as a container starts, so a dead lxcfs
# (a mount left behind by a killed process: "Transport endpoint is not connected") silently
# shows sandboxes the host's memory. Such a mount is cleared and lxcfs started again, in a
# session of its own so that nothing stopping this script's caller stops it.
lxcfs_answers() { [ -r /var/lib/lxcfs/proc/meminfo ] && head -c1 /var/lib/lxcfs/proc/meminfo >/dev/null 2>&1; }
if ! lxcfs_answers; then
  if grep -q ' /var/lib/lxcfs fuse.lxcfs ' /proc/mounts; then
    step "Clearing a dead lxcfs mount"
    pkill -x lxcfs 2>/dev/null || true
    umount -l /var/lib/lxcfs 2>/dev/null || fusermount -uz /var/lib/lxcfs 2>/dev/null || true
  fi
  step "Starting lxcfs"
  mkdir -p /var/lib/lxcfs
  [ -e /dev/fuse ] || mknod -m 666 /dev/fuse c 10 229 || true
  setsid -f lxcfs /var/lib/lxcfs >/var/log/lxcfs.log 2>&1 </dev/null
  for _ in $(seq 1 20); do lxcfs_answers && break; sleep 0.5; done
  if lxcfs_answers; then LXCFS_STARTED=1; else
    # Not fatal: everything else works, and the LXD engine's tests say what is missing.
    step "warning: lxcfs did not start, so sandboxes show the host's memory. Its log (/var/log/lxcfs.log):"
    tail -n 5 /var/log/lxcfs.log >&2 || true
  fi
fi

# LXD reads the subordinate ranges, and looks for lxcfs, when it starts.
if { [ "${SUBIDS_CHANGED:-0}" = 1 ] || [ "${LXCFS_STARTED:-0}" = 1 ]; } && lxc info >/dev/null 2>&1; then
  [ -z "$(lxc list --format csv -c n 2>/dev/null)" ] || die "LXD must restart to use root's new subordinate uid range or a restarted lxcfs; stop its instances first (lxc list)"
  step "Restarting LXD for a restarted lxcfs or root's new subordinate uid range"
  lxd shutdown --timeout=30 >/dev/null 2>&1 || true
fi
if ! lxc info >/dev/null 2>&1; then
  step "Starting the LXD daemon (log: /var/log/lxd/lxd.log)"
  mkdir -p /var/log/lxd
  nohup lxd --group root --logfile /var/log/lxd/lxd.log >/var/log/lxd/stdout.log 2>&1 &
  lxd waitready --timeout=90 || die "LXD did not start within 90 s; see /var/log/lxd/lxd.log"
fi

if ! lxc storage show "$POOL" >/dev/null 2>&1; then
  step "Creating the storage pool $POOL (btrfs on a $POOL_SIZE sparse file)"
  lxc storage create "$POOL" btrfs size="$POOL_SIZE" >/dev/null
fi

# Whether CIDR $1 overlaps any route of this host (default routes aside).
clashes() {
  local want="$1" route
  while read -r route _; do
    [ "$route" = default ] && continue
    [[ "$route" == */* ]] || route="$route/32"
    python3 - "$want" "$route" <<'PY' && return 0
import ipaddress, sys
a = ipaddress.ip_network(sys.argv[1], strict=False)
b = ipaddress.ip_network(sys.argv[2], strict=False)
sys.exit(0 if a.overlaps(b) else 1)
PY
  done < <(ip -4 route show table all | awk '$1 !~ /^(broadcast|local|unreachable|multicast)$/ { print $1 }')
  return 1
}

if ! lxc network show "$NET" >/dev/null 2>&1; then
  cidr="${LXD_BRIDGE_CIDR:-}"
  if [ -z "$cidr" ]; then
    for c in $CANDIDATES; do
      if ! clashes "$c"; then cidr="$c"; break; fi
    done
  fi
  [ -n "$cidr" ] || die "every candidate range clashes with this host's routes; set LXD_BRIDGE_CIDR (e.g. 10.99.0.1/16)"
  step "Creating the bridge $NET on $cidr"
  lxc network create "$NET" ipv4.address="$cidr" ipv4.nat=true ipv6.address=none >/dev/null
fi
lxc network get "$NET" ipv4.address
