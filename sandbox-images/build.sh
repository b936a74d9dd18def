#!/usr/bin/env bash
# Builds the learner sandbox image for the local Docker engine without pulling from any
# registry (see README.md).
#
#   build.sh             build if needed; progress lines start with "==> "; the LAST stdout
#                        line is the image reference, e.g. container-playground/sandbox:3f2a9c1d0b7e
#   build.sh --version   print only that image reference (no build, no Docker needed)
#
# Settings (environment): SANDBOX_SUITE (bookworm), SANDBOX_MIRROR
# (http://deb.debian.org/debian), SANDBOX_COMPONENTS (main), SANDBOX_IMAGE_REPO
# (container-playground/sandbox). SANDBOX_BUILD_VERBOSE=1 streams tool output to stderr
# instead of a log file that is only shown on failure.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SUITE="${SANDBOX_SUITE:-bookworm}"
MIRROR="${SANDBOX_MIRROR:-http://deb.debian.org/debian}"
COMPONENTS="${SANDBOX_COMPONENTS:-main}"
IMAGE_REPO="${SANDBOX_IMAGE_REPO:-container-playground/sandbox}"
BASE_REPO="container-playground/sandbox-base"
OFFLINE_REPO="container-playground/sandbox-offline"
# Bump when the way the base rootfs is made changes (the base hash covers only its inputs).
BASE_RECIPE=2
ARCH="$(uname -m)"
VERSION_LABEL="io.containerplayground.image-version"

die() { echo "build.sh: error: $*" >&2; exit 1; }
step() { echo "==> $*"; }

# Package names from packages.txt (comments and blank lines removed), one per line.
packages() { sed -e 's/#.*//' "$HERE/packages.txt" | tr -s ' \t' '\n\n' | sed '/^$/d'; }

# Every file under sandbox-images/ except README.md, build-lxd.sh and a build cache dir, sorted by path:
# its sha256 and path, then which files are executable.
input_files_digest() {
  (
    cd "$HERE"
    find . -type f ! -path ./README.md ! -path ./build-lxd.sh ! -path './.cache/*' -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
    find . -type f -perm -u+x ! -path ./README.md ! -path ./build-lxd.sh ! -path './.cache/*' -print0 | LC_ALL=C sort -z | tr '\0' '\n' | sed 's/^/executable /'
  )
}

short_hash() { sha256sum | cut -c1-12; }

VERSION_TAG="$(
  {
    printf 'suite=%s\nmirror=%s\ncomponents=%s\nrepo=%s\narch=%s\n' "$SUITE" "$MIRROR" "$COMPONENTS" "$IMAGE_REPO" "$ARCH"
    input_files_digest
  } | short_hash
)"
IMAGE_REF="$IMAGE_REPO:$VERSION_TAG"

case "${1:-}" in
  --version) echo "$IMAGE_REF"; exit 0 ;;
  "") ;;
  -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown argument '$1' (usage: build.sh [--version])" ;;
esac

BASE_TAG="$(
  {
    printf 'recipe=%s\nsuite=%s\nmirror=%s\ncomponents=%s\narch=%s\n' "$BASE_RECIPE" "$SUITE" "$MIRROR" "$COMPONENTS" "$ARCH"
    packages
  } | short_hash
)"
BASE_REF="$BASE_REPO:$BASE_TAG"

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

command -v docker >/dev/null 2>&1 || die "the docker CLI is not installed"
docker info >/dev/null 2>&1 || die "cannot reach the Docker engine (is dockerd running? try scripts/ensure-docker.sh)"

if image_exists "$IMAGE_REF"; then
  step "Sandbox image $IMAGE_REF is up to date"
  echo "$IMAGE_REF"
  exit 0
fi

# One build at a time per machine (the server and a test run may both call build.sh).
LOCK="${TMPDIR:-/tmp}/container-playground-sandbox-build.lock"
if { exec 9>>"$LOCK"; } 2>/dev/null; then
  chmod 0666 "$LOCK" 2>/dev/null || true
  if ! flock -n 9; then
    step "Waiting for another sandbox image build to finish"
    flock 9
  fi
  if image_exists "$IMAGE_REF"; then
    step "Sandbox image $IMAGE_REF is up to date"
    echo "$IMAGE_REF"
    exit 0
  fi
fi

WORK="$(mktemp -d "${TMPDIR:-/var/tmp}/sandbox-build.XXXXXX")"
LOG="$WORK/build.log"
: >"$LOG"
TMP_CONTAINER=""

# Unmount everything mounted at or below $1, deepest first.
umount_under() {
  local root="$1" m
  awk -v r="$root" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/self/mounts | sort -r |
    while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "$rc" != 0 ] && [ -s "$LOG" ] && [ "${SANDBOX_BUILD_VERBOSE:-0}" != 1 ]; then
    echo "build.sh: failed (exit $rc); last lines of the build log:" >&2
    tail -n 40 "$LOG" >&2
  fi
  [ -n "$TMP_CONTAINER" ] && docker rm -f "$TMP_CONTAINER" >/dev/null 2>&1
  umount_under "$WORK"
  # --one-file-system: never descend into something still mounted (a host /dev or /proc).
  rm -rf --one-file-system "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Run a command with its output going to the build log (or stderr when verbose).
run() {
  if [ "${SANDBOX_BUILD_VERBOSE:-0}" = 1 ]; then "$@" >&2; else "$@" >>"$LOG" 2>&1; fi
}

legacy_build() { DOCKER_BUILDKIT=0 run docker build "$@"; }

# ---------------------------------------------------------------------------------------
# Stage 1: base rootfs with every apt package, from debootstrap, imported as an image.
# ---------------------------------------------------------------------------------------
build_base() {
  [ "$(id -u)" = 0 ] || die "building the base image runs debootstrap, which needs root: run 'sudo $0'"
  command -v debootstrap >/dev/null 2>&1 || die "debootstrap is not installed (apt-get install debootstrap)"
  local rootfs="$WORK/rootfs"
  local path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  in_chroot() {
    run chroot "$rootfs" /usr/bin/env -i PATH="$path" HOME=/root LANG=C.UTF-8 \
      DEBIAN_FRONTEND=noninteractive "$@"
  }

  step "Bootstrapping $SUITE ($COMPONENTS) from $MIRROR with debootstrap (a minute or two)"
  run debootstrap --variant=minbase --components="$COMPONENTS" "$SUITE" "$rootfs" "$MIRROR"

  local pkgs
  pkgs="$(packages | tr '\n' ' ')"
  step "Installing packages into the base rootfs: $pkgs"
  mount --bind /dev "$rootfs/dev"
  mount -t proc proc "$rootfs/proc"
  rm -f "$rootfs/etc/resolv.conf"
  cat /etc/resolv.conf >"$rootfs/etc/resolv.conf"
  # No service may start inside the chroot (docker.io's postinst would start a dockerd).
  printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
  chmod 0755 "$rootfs/usr/sbin/policy-rc.d"
  echo force-unsafe-io >"$rootfs/etc/dpkg/dpkg.cfg.d/zz-build-unsafe-io"
  # Keep the image smaller: no translations (the sandbox runs in C.UTF-8) and no docs
  # besides copyright files; manual pages stay. Also applies to later apt installs.
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/container-playground-excludes" <<'EOF2'
path-exclude=/usr/share/locale/*
path-include=/usr/share/locale/locale.alias
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
EOF2
  in_chroot apt-get -q update
  # shellcheck disable=SC2086
  in_chroot apt-get -q -y --no-install-recommends install $pkgs
  in_chroot apt-get clean
  umount "$rootfs/proc"
  umount "$rootfs/dev"

  step "Cleaning the base rootfs"
  rm -f "$rootfs/usr/sbin/policy-rc.d" "$rootfs/etc/dpkg/dpkg.cfg.d/zz-build-unsafe-io"
  : >"$rootfs/etc/resolv.conf"
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin \
    "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/debconf/*-old \
    "$rootfs"/var/lib/dpkg/*-old "$rootfs"/var/log/apt/* "$rootfs"/var/log/dpkg.log \
    "$rootfs"/var/log/bootstrap.log "$rootfs"/tmp/* "$rootfs"/root/.bash_history
  find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
  find "$rootfs/usr/share/doc" -mindepth 2 ! -type d ! -name copyright -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  mkdir -p "$rootfs/var/lib/apt/lists/partial"

  step "Importing the base rootfs as $BASE_REF"
  tar -C "$rootfs" --numeric-owner --xattrs -cf - . |
    run docker import \
      --change "ENV PATH=$path" \
      --change "ENV LANG=C.UTF-8" \
      --change 'CMD ["/bin/bash"]' \
      --change "LABEL io.containerplayground.base=\"$SUITE $COMPONENTS from $MIRROR\"" \
      --message "debootstrap --variant=minbase $SUITE + packages.txt" \
      - "$BASE_REF"
  umount_under "$rootfs"
  rm -rf --one-file-system "$rootfs"
}

# ---------------------------------------------------------------------------------------
# Offline images (hello-world, busybox): built FROM scratch on the host engine, cached by
# a hash of their inputs, saved to tars that the sandbox's init `docker load`s.
# ---------------------------------------------------------------------------------------
OFFLINE_KEY="$(
  {
    echo "$BASE_REF"
    cd "$HERE/offline" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
  } | short_hash
)"

prepare_hello_world() {
  local ctx="$1" cc="${CC:-gcc}"
  command -v "$cc" >/dev/null 2>&1 || die "a C compiler ($cc) is needed to build the offline hello-world image (apt-get install gcc)"
  cp "$HERE/offline/hello-world/Dockerfile" "$ctx/"
  run "$cc" -Os -static -nostdlib -fno-stack-protector -fno-asynchronous-unwind-tables \
    -fno-ident -Wl,--build-id=none -Wl,-n -s -o "$ctx/hello" "$HERE/offline/hello-world/hello.c"
}

prepare_busybox() {
  local ctx="$1" applets
  cp -a "$HERE/offline/busybox/." "$ctx/"
  mkdir -p "$ctx/rootfs/bin" "$ctx/rootfs/tmp" "$ctx/rootfs/root"
  chmod 1777 "$ctx/rootfs/tmp"
  chmod 0700 "$ctx/rootfs/root"
  ln -sfn var/www "$ctx/rootfs/www"
  # The same busybox-static binary as in the sandbox: taken from the base image.
  TMP_CONTAINER="$(docker create "$BASE_REF" /bin/true)"
  docker cp -L "$TMP_CONTAINER:/bin/busybox" "$ctx/rootfs/bin/busybox" >>"$LOG" 2>&1
  docker rm -f "$TMP_CONTAINER" >/dev/null
  TMP_CONTAINER=""
  chmod 0755 "$ctx/rootfs/bin/busybox"
  if ! applets="$("$ctx/rootfs/bin/busybox" --list 2>/dev/null)"; then
    # e.g. a noexec temp dir: ask the base image's busybox instead
    applets="$(docker run --rm --network none "$BASE_REF" /bin/busybox --list)"
  fi
  [ -n "$applets" ] || die "could not list busybox applets"
  local a
  for a in $applets; do
    [ "$a" = busybox ] || ln -sfn busybox "$ctx/rootfs/bin/$a"
  done
}

# build_offline NAME -> writes $CONTEXT/images/NAME.tar holding image NAME:latest
build_offline() {
  local name="$1" ref="$OFFLINE_REPO:$1-$OFFLINE_KEY"
  local ctx="$WORK/offline-$name" save="$WORK/save-$name"
  if image_exists "$ref"; then
    step "Offline image $name:latest: cached ($ref)"
  else
    step "Building offline image $name:latest ($ref)"
    mkdir -p "$ctx"
    "prepare_${name//-/_}" "$ctx"
    legacy_build --label "io.containerplayground.offline-image=$name:latest" -t "$ref" "$ctx"
  fi
  # Save by image ID and name it NAME:latest inside the tar, so that `docker load` in the
  # sandbox creates NAME:latest without the host engine ever having that name.
  local id
  id="$(docker image inspect -f '{{.Id}}' "$ref")"
  mkdir -p "$save"
  docker save "$id" | tar -C "$save" -xf -
  sed -i -E "s#\"RepoTags\":(null|\[\])#\"RepoTags\":[\"$name:latest\"]#" "$save/manifest.json"
  grep -q "\"RepoTags\":\[\"$name:latest\"\]" "$save/manifest.json" ||
    die "unexpected 'docker save' manifest for $name: $(head -c 300 "$save/manifest.json")"
  (cd "$save" && tar --numeric-owner -cf "$CONTEXT/images/$name.tar" -- *)
  rm -rf "$save" "$ctx"
}

# ---------------------------------------------------------------------------------------
CONTEXT="$WORK/context"
mkdir -p "$CONTEXT/images"

if image_exists "$BASE_REF"; then
  step "Base image $BASE_REF: cached (skipping debootstrap)"
else
  build_base
fi

build_offline hello-world
build_offline busybox

step "Building sandbox image $IMAGE_REF"
cp "$HERE/Dockerfile" "$CONTEXT/"
cp -a "$HERE/rootfs" "$CONTEXT/rootfs"
legacy_build \
  --build-arg "BASE_IMAGE=$BASE_REF" \
  --build-arg "IMAGE_VERSION=$VERSION_TAG" \
  --label "$VERSION_LABEL=$VERSION_TAG" \
  -t "$IMAGE_REF" "$CONTEXT"

got="$(docker image inspect -f "{{index .Config.Labels \"$VERSION_LABEL\"}}" "$IMAGE_REF")"
[ "$got" = "$VERSION_TAG" ] || die "built image has label $VERSION_LABEL='$got', expected '$VERSION_TAG'"
step "Built $IMAGE_REF ($(docker image inspect -f '{{.Size}}' "$IMAGE_REF" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
echo "$IMAGE_REF"
