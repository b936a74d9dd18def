#!/usr/bin/env bash
# Makes sure a Docker engine answers: starts dockerd when none runs (bare CI machines and
# fresh dev boxes have only a client; scripts/system-packages.sh installs the engine).
set -euo pipefail
if docker info >/dev/null 2>&1; then exit 0; fi
if ! command -v dockerd >/dev/null 2>&1; then
  echo "No Docker engine found. Install Docker (sudo bash scripts/system-packages.sh start installs Debian's docker.io) and start it, then retry." >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "dockerd is installed but not running, and starting it needs root: run 'sudo dockerd &' or 'sudo systemctl start docker'." >&2
  exit 1
fi
echo "==> Starting dockerd in the background (log: /var/log/dockerd.log)"
nohup dockerd >/var/log/dockerd.log 2>&1 &
for _ in $(seq 1 60); do
  docker info >/dev/null 2>&1 && exit 0
  sleep 1
done
echo "dockerd did not answer within 60 s; see /var/log/dockerd.log" >&2
exit 1
