#!/usr/bin/env bash
# `npm start`: sets everything up (first run builds the sandbox image) and serves the
# playground at http://localhost:${PORT:-3000} with the embedded SQLite database.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "==> Starting Container Playground on http://localhost:${PORT:-3000}"
export NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
exec npx tsx server/main.ts
