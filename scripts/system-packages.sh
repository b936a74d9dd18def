#!/usr/bin/env bash
# Installs every system package Container Playground needs, from Debian's (or Ubuntu's)
# repositories, in one apt-get call. `npm start`, `npm test` and CI all go through here, so
# CI cannot pass while the README's commands fail on a fresh machine.
#
#   system-packages.sh start   what serving the playground needs
#   system-packages.sh test    that, plus what the tests and benchmarks need
#   system-packages.sh --list [start|test]   print the package names and exit
#
# As root it installs what is missing. Otherwise it installs nothing and prints the one
# sudo command to run, then fails (nothing is left half-done).
set -euo pipefail

mode="${1:-test}"
list=0
if [ "$mode" = --list ]; then list=1; mode="${2:-test}"; fi
case "$mode" in start | test) ;; *) echo "usage: system-packages.sh [--list] start|test" >&2; exit 2 ;; esac

# "command-or-path package" pairs: a package is needed when its command is missing.
start_needs=(
  "dockerd docker.io"             # the Docker engine that runs sandboxes
  "debootstrap debootstrap"       # builds the sandbox and mirror images offline
  "iptables iptables"             # the host firewall that isolates sandboxes
  "losetup mount"                 # each sandbox's size-limited disk (loop device)
  "mkfs.ext4 e2fsprogs"           # ... and its filesystem
  "nsenter util-linux"
  "gcc gcc"                       # the offline hello-world image is compiled C
  "curl curl"
)
test_needs=(
  "${CHROMIUM_PATH:-/usr/bin/chromium} chromium" # browser tests (playwright-core drives Debian's Chromium)
)
# PostgreSQL tests use TEST_POSTGRES_URL when set, else a local server.
[ -n "${TEST_POSTGRES_URL:-}" ] || test_needs+=("pg_ctlcluster postgresql")
test_needs+=(
  "docker-compose docker-compose" # the production compose file's tests
  "nginx nginx"                   # the balancer in front of two app servers (failover test)
  "g++ g++"                       # native npm modules (node-pty for the benchmark's peer)
  "make make"
  "python3 python3"
)

needs=("${start_needs[@]}")
[ "$mode" = test ] && needs+=("${test_needs[@]}")

missing=()
for pair in "${needs[@]}"; do
  read -r what package <<<"$pair"
  if [ "$list" = 1 ]; then missing+=("$package"); continue; fi
  case "$what" in
    /*) [ -x "$what" ] && continue ;;
    *) command -v "$what" >/dev/null 2>&1 && continue ;;
  esac
  missing+=("$package")
done
if [ "$list" = 1 ]; then printf '%s\n' "${missing[@]}"; exit 0; fi
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "Container Playground needs these system packages: ${missing[*]}" >&2
  echo "Install them once with:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Install these packages with your system's package manager, then retry: ${missing[*]}" >&2
  exit 1
fi
echo "==> Installing system packages: ${missing[*]} (a few minutes the first time)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q "${missing[@]}" >/dev/null
echo "==> System packages installed"
