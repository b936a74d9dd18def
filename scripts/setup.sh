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

# System packages first (the Docker engine, debootstrap, ...): as root they are installed,
# otherwise the one sudo command to run is printed.
bash scripts/system-packages.sh "${SETUP_FOR:-start}"

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> Installing npm dependencies (npm ci; about 3 minutes the first time)"
  npm ci --no-audit --no-fund --loglevel=error
fi

bash scripts/prisma-generate.sh
bash scripts/ensure-docker.sh

# ensure_image WHAT IMAGE BUILD_SCRIPT NPM_SCRIPT: builds IMAGE with BUILD_SCRIPT when it is
# missing (debootstrap needs root), or says how to.
ensure_image() {
  local what="$1" image="$2" script="$3" npm_script="$4" minutes="$5"
  if docker image inspect "$image" >/dev/null 2>&1; then
    echo "==> $what $image is up to date"
  elif [ "$(id -u)" = 0 ]; then
    echo "==> Building the $what $image (the first time: about $minutes minutes on 2 cores; later runs: seconds)"
    bash "$script"
  else
    echo "The $what $image must be built once, as root (debootstrap needs it):" >&2
    echo "  sudo npm run $npm_script" >&2
    exit 1
  fi
}

ensure_image "sandbox image" "$(bash sandbox-images/build.sh --version)" sandbox-images/build.sh sandbox-image 6
# The registry mirror's images (Docker Hub stand-ins that sandboxes pull offline).
if [ "${MIRROR:-on}" != off ]; then
  ensure_image "registry mirror image" "container-playground/mirror-registry:$(bash mirror-images/build.sh --version)" mirror-images/build.sh mirror-images 3
fi

# The build's inputs are the files git has or would add (a clean clone has no others) and Node's
# version: when none changed since the last build, it is kept (npm start then npm test build once).
build_stamp=.next/container-playground-inputs.sha1
inputs=""
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  inputs=$({ git ls-files -z --cached --others --exclude-standard | xargs -0 sha1sum 2>/dev/null; node --version; } | sha1sum | cut -d' ' -f1)
fi
# The stamp names the build it was written for: another build in .next (next dev) is not this one.
if [ -n "$inputs" ] && [ -f .next/BUILD_ID ] && [ "$(cat "$build_stamp" 2>/dev/null)" = "$inputs $(cat .next/BUILD_ID)" ]; then
  echo "==> The web app's build is up to date"
else
  echo "==> Building the web app (next build; about a minute)"
  npx next build >/tmp/container-playground-next-build.log 2>&1 || {
    cat /tmp/container-playground-next-build.log >&2
    exit 1
  }
  [ -z "$inputs" ] || echo "$inputs $(cat .next/BUILD_ID)" >"$build_stamp"
fi
