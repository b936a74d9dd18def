#!/usr/bin/env bash
# `npm test`: the whole suite against real parts (Docker engine, sandboxes, SQLite and
# PostgreSQL, headless Chromium). Missing parts are installed as root, or the run fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/ensure-chromium.sh
TEST_POSTGRES_URL=$(bash scripts/ensure-postgres.sh)
export TEST_POSTGRES_URL NEXT_TELEMETRY_DISABLED=1

npx tsc --noEmit -p .
npx tsx scripts/lessons.ts lint
# tests/final runs last: it checks that the others left nothing behind.
files=$(for dir in unit integration lessons e2e final; do find "tests/$dir" -name '*.test.ts' | sort; done)
echo "==> Running $(echo "$files" | wc -l) test files"
# One file at a time: sandboxes and the browser are heavy on a 2-core machine.
exec node --import tsx --test --test-concurrency=1 --test-reporter=spec $files
