#!/usr/bin/env bash
# Builds the LXD engine's sandbox image from the Docker engine's (build.sh), so both engines
# run the same packages and the same init scripts, and imports it into LXD offline.
#
#   build-lxd.sh             build.sh if needed, then export, import; the LAST stdout line is
#                            the LXD image alias, e.g. cp-sandbox-3f2a9c1d0b7e
#   build-lxd.sh --version   print only that alias (nothing built)
#
# Needs the local Docker engine (for the export) and the `lxc` client talking to the LXD that
# runs sandboxes (scripts/ensure-lxd.sh). Run as root: the rootfs keeps its owners.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
die() { echo "build-lxd.sh: error: $*" >&2; exit 1; }
step() { echo "==> $*"; }

DOCKER_REF="$("$HERE/build.sh" --version)"
ALIAS="cp-sandbox-${DOCKER_REF##*:}"

case "${1:-}" in
  --version) echo "$ALIAS"; exit 0 ;;
  "") ;;
  -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown argument '$1' (usage: build-lxd.sh [--version])" ;;
esac

command -v lxc >/dev/null 2>&1 || die "the lxc client is not installed (scripts/ensure-lxd.sh installs LXD)"
lxc info >/dev/null 2>&1 || die "cannot reach LXD (is it running? try scripts/ensure-lxd.sh)"

if lxc image info "$ALIAS" >/dev/null 2>&1; then
  step "LXD sandbox image $ALIAS is up to date"
  echo "$ALIAS"
  exit 0
fi

"$HERE/build.sh" | sed -n '/^==> /p'
docker image inspect "$DOCKER_REF" >/dev/null 2>&1 || die "build.sh did not make $DOCKER_REF"

WORK="$(mktemp -d "${TMPDIR:-/var/tmp}/sandbox-lxd.XXXXXX")"
CID=""
cleanup() {
  [ -n "$CID" ] && docker rm -f "$CID" >/dev/null 2>&1
  rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT

step "Exporting $DOCKER_REF for LXD"
CID="$(docker create "$DOCKER_REF" true)"
mkdir -p "$WORK/rootfs"
docker export "$CID" | tar -x -C "$WORK/rootfs" --numeric-owner
R="$WORK/rootfs"
# What Docker puts in every container that a system container must not keep.
rm -f "$R/.dockerenv"
printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$R/etc/hosts"
: >"$R/etc/resolv.conf"
echo sandbox >"$R/etc/hostname"
# LXD starts /sbin/init: ours (system-init), which runs learner-init.
ln -sfn /usr/lib/container-playground/system-init "$R/sbin/init"
# The Docker image runs under a read-only root with tmpfs mounts; here /run is mounted at boot.
mkdir -p "$R/run" "$R/tmp" "$R/var/lib/docker"

cat >"$WORK/metadata.yaml" <<META
architecture: $(uname -m)
creation_date: $(date +%s)
properties:
  description: Container Playground sandbox (${DOCKER_REF})
  os: debian
  release: bookworm
templates: {}
META

step "Importing into LXD as $ALIAS"
tar -C "$WORK" -cf "$WORK/meta.tar" metadata.yaml
tar -C "$R" --numeric-owner -cf "$WORK/rootfs.tar" .
lxc image import "$WORK/meta.tar" "$WORK/rootfs.tar" --alias "$ALIAS" >/dev/null
step "LXD sandbox image $ALIAS imported"
echo "$ALIAS"
