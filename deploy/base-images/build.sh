#!/usr/bin/env bash
# Local stand-ins for the three Docker Hub images docker-compose.yml builds on, for hosts that
# cannot reach Docker Hub (an offline classroom server; this project's CI). Hosts with
# internet keep the official images and never need this.
#
#   build.sh             build what is missing (progress on stderr, lines start with "==> "),
#                        then print the settings for docker-compose on stdout, one per line:
#                          NODE_IMAGE=...  DEBIAN_IMAGE=...  POSTGRES_IMAGE=...
#                        (put them in .env beside docker-compose.yml, or export them)
#   build.sh --version   print only this set's tag (no build, no Docker needed)
#
# Each stand-in is Debian bookworm from debootstrap (the registry mirror's `debian` stand-in,
# mirror-images/build.sh):
#   container-playground/base-debian:TAG    that image, for the balancer (debian:bookworm-slim)
#   container-playground/base-node:TAG      plus this host's Node.js 20 and npm, copied in
#                                           (node:20-bookworm-slim; Debian's own Node is 18),
#                                           trusting the certificates this host trusts (its
#                                           CA bundle: a host behind a TLS-inspecting proxy
#                                           needs that proxy's CA for `npm ci`), and with
#                                           Node's headers, so native modules compile
#                                           without downloading them
#   container-playground/base-postgres:TAG  plus Debian's PostgreSQL 15, with an entrypoint
#                                           that honours the official image's POSTGRES_USER,
#                                           POSTGRES_PASSWORD, POSTGRES_DB and PGDATA
#                                           (postgres:15-bookworm)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RECIPE=1

die() { echo "deploy/base-images/build.sh: error: $*" >&2; exit 1; }
step() { echo "==> $*" >&2; }

NODE_BIN="$(command -v node || true)"
[ -n "$NODE_BIN" ] || die "node is not installed on this host (the node stand-in copies this host's Node.js)"
NODE_BIN="$(readlink -f "$NODE_BIN")"
NODE_VERSION="$("$NODE_BIN" --version)"
case "$NODE_VERSION" in v2[0-9].*) ;; *) die "this host's Node.js is $NODE_VERSION; the app needs 20 or newer" ;; esac
NPM_DIR="$(dirname "$NODE_BIN")/../lib/node_modules/npm"
[ -f "$NPM_DIR/bin/npm-cli.js" ] || die "npm is not beside node ($NPM_DIR)"
NPM_DIR="$(cd "$NPM_DIR" && pwd)"
NODE_HEADERS="$(dirname "$NODE_BIN")/../include/node"
[ -f "$NODE_HEADERS/node_version.h" ] || die "Node's headers are not beside node ($NODE_HEADERS)"
NODE_HEADERS="$(cd "$NODE_HEADERS" && pwd)"

CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
[ -s "$CA_BUNDLE" ] || die "$CA_BUNDLE is missing (apt-get install ca-certificates)"

MIRROR_TAG="$(bash "$ROOT/mirror-images/build.sh" --version)"
TAG="$(
  {
    printf 'recipe=%s\nmirror=%s\nnode=%s\narch=%s\n' "$RECIPE" "$MIRROR_TAG" "$NODE_VERSION" "$(uname -m)"
    sha256sum <"$CA_BUNDLE"
    cd "$HERE" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-12
)"
case "${1:-}" in
  --version) echo "$TAG"; exit 0 ;;
  "") ;;
  *) die "unknown argument '$1' (usage: build.sh [--version])" ;;
esac

command -v docker >/dev/null 2>&1 || die "docker is not installed"
DEBIAN_REF="container-playground/base-debian:$TAG"
NODE_REF="container-playground/base-node:$TAG"
POSTGRES_REF="container-playground/base-postgres:$TAG"
exists() { docker image inspect "$1" >/dev/null 2>&1; }

if ! exists "$DEBIAN_REF" || ! exists "$NODE_REF" || ! exists "$POSTGRES_REF"; then
  # The registry mirror's stand-ins include a plain Debian from debootstrap: build them first.
  STAND_IN="container-playground/stand-in:debian-$MIRROR_TAG"
  if ! exists "$STAND_IN"; then
    step "Building the Debian base first (mirror-images/build.sh)"
    bash "$ROOT/mirror-images/build.sh" | sed -n 's/^==> /==>   /p' >&2
  fi
  exists "$STAND_IN" || die "mirror-images/build.sh did not make $STAND_IN"
  docker tag "$STAND_IN" "$DEBIAN_REF"

  WORK="$(mktemp -d "${TMPDIR:-/tmp}/base-images.XXXXXX")"
  LOG="$WORK/build.log"
  cleanup() {
    local rc=$?
    if [ "$rc" != 0 ] && [ -f "$LOG" ]; then echo "deploy/base-images/build.sh: failed (exit $rc); last lines of the log:" >&2; tail -n 30 "$LOG" >&2; fi
    rm -rf "$WORK"
    exit "$rc"
  }
  trap cleanup EXIT

  if ! exists "$NODE_REF"; then
    step "Building the Node.js base ($NODE_VERSION, this host's)"
    mkdir -p "$WORK/node/rootfs/usr/local/bin" "$WORK/node/rootfs/usr/local/lib/node_modules"
    cp "$NODE_BIN" "$WORK/node/rootfs/usr/local/bin/node"
    cp -a "$NPM_DIR" "$WORK/node/rootfs/usr/local/lib/node_modules/npm"
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$WORK/node/rootfs/usr/local/bin/npm"
    ln -s ../lib/node_modules/npm/bin/npx-cli.js "$WORK/node/rootfs/usr/local/bin/npx"
    mkdir -p "$WORK/node/rootfs/usr/local/include" "$WORK/node/rootfs/etc/ssl/certs"
    cp -a "$NODE_HEADERS" "$WORK/node/rootfs/usr/local/include/node"
    cp "$CA_BUNDLE" "$WORK/node/rootfs/etc/ssl/certs/ca-certificates.crt"
    cat >"$WORK/node/Dockerfile" <<EOF
FROM $DEBIAN_REF
COPY rootfs/ /
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt npm_config_cafile=/etc/ssl/certs/ca-certificates.crt npm_config_nodedir=/usr/local
RUN node --version && npm --version
CMD ["node"]
EOF
    docker build -q -t "$NODE_REF" "$WORK/node" >>"$LOG" 2>&1
  fi

  if ! exists "$POSTGRES_REF"; then
    step "Building the PostgreSQL base (Debian's postgresql-15; a minute)"
    docker build -q -t "$POSTGRES_REF" --build-arg "BASE=$DEBIAN_REF" "$HERE/postgres" >>"$LOG" 2>&1
  fi
fi

step "Base images $TAG are ready"
echo "NODE_IMAGE=$NODE_REF"
echo "DEBIAN_IMAGE=$DEBIAN_REF"
echo "POSTGRES_IMAGE=$POSTGRES_REF"
