#!/usr/bin/env bash
# Browser tests drive Debian's Chromium through playwright-core (no browser download).
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$chromium" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Chromium not found at $chromium: install it (sudo apt-get install chromium) or set CHROMIUM_PATH." >&2
  exit 1
fi
echo "==> Installing Debian's chromium for browser tests"
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null
