#!/usr/bin/env bash
# Everything both `npm start` and `npm test` need, idempotent and quick when already done:
# dependencies, Prisma clients, a Docker engine, the sandbox image and the production build.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "Container Playground needs Node.js 20 or newer (found $(node --version))." >&2
  exit 1
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> Installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

bash scripts/prisma-generate.sh
bash scripts/ensure-docker.sh

image=$(bash sandbox-images/build.sh --version)
if docker image inspect "$image" >/dev/null 2>&1; then
  echo "==> Sandbox image $image is up to date"
elif [ "$(id -u)" = 0 ]; then
  echo "==> Building the sandbox image $image (first run: a few minutes; later runs: seconds)"
  bash sandbox-images/build.sh
else
  echo "The sandbox image $image must be built once, as root (debootstrap needs it):" >&2
  echo "  sudo npm run sandbox-image" >&2
  exit 1
fi

# The registry mirror's images (Docker Hub stand-ins that sandboxes pull offline).
if [ "${MIRROR:-on}" != off ]; then
  mirror_tag=$(bash mirror-images/build.sh --version)
  if docker image inspect "container-playground/mirror-registry:$mirror_tag" >/dev/null 2>&1; then
    echo "==> Mirror images $mirror_tag are up to date"
  elif [ "$(id -u)" = 0 ]; then
    echo "==> Building the registry mirror images (first run: a few minutes)"
    bash mirror-images/build.sh
  else
    echo "The registry mirror images must be built once, as root: sudo npm run mirror-images (or set MIRROR=off)" >&2
    exit 1
  fi
fi

echo "==> Building the web app (next build)"
npx next build >/tmp/container-playground-next-build.log 2>&1 || {
  cat /tmp/container-playground-next-build.log >&2
  exit 1
}
