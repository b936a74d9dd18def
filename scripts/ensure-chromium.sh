#!/usr/bin/env bash
# Browser tests drive Debian's Chromium through playwright-core (no browser download).
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$chromium" ] && exit 0
echo "Chromium not found at $chromium: install it (sudo bash scripts/system-packages.sh test) or set CHROMIUM_PATH." >&2
exit 1
