#!/usr/bin/env bash
# `npm run test:fast`: the unit tests and the fast tier (the real server on the in-memory fake
# driver), in about a minute, with no Docker engine, browser or PostgreSQL. It adds to the
# real-part tests of `npm test`; it never replaces them.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
bash scripts/prisma-generate.sh >/dev/null
node --import tsx --test --test-concurrency=2 --test-reporter=spec tests/unit/*.test.ts tests/fast/*.test.ts
