#!/usr/bin/env bash
# `npm test`: the whole suite against real parts (Docker engine, LXD, sandboxes, SQLite and
# PostgreSQL, headless Chromium). Missing parts are installed as root, or the run fails.
set -euo pipefail
cd "$(dirname "$0")/.."
SETUP_FOR=test bash scripts/setup.sh
bash scripts/ensure-chromium.sh
TEST_POSTGRES_URL=$(bash scripts/ensure-postgres.sh)
export TEST_POSTGRES_URL NEXT_TELEMETRY_DISABLED=1
# Names what this run makes (cp-test-<run>-…): the leak check looks only at its own run.
TEST_RUN_ID=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
export TEST_RUN_ID

# The LXD engine's tests (tests/integration/lxd-*.test.ts, and the runs below) need LXD and
# the sandbox image imported into it.
bash scripts/ensure-lxd.sh >/dev/null
bash sandbox-images/build-lxd.sh | sed -n '/^==> /p'

npx tsc --noEmit -p .
npx tsx scripts/lessons.ts lint
# Node's runner orders files by path, so tests/final (the check that the others left
# nothing behind) runs on its own, after everything else, whatever the others' outcome.
files=$(for dir in unit fast integration lessons e2e bench; do find "tests/$dir" -name '*.test.ts' | sort; done)
echo "==> Running $(echo "$files" | wc -l) test files, then the leak check"
# One file at a time: sandboxes and the browser are heavy on a 2-core machine.
status=0
# shellcheck disable=SC2086
node --import tsx --test --test-concurrency=1 --test-reporter=spec $files || status=$?
# The browser tests again in the other profile: a learner types the same things in both.
# (Not the error pages, the session clock and memory notice, the cross-site checks, nor the
# instructor's class wall and workshop day: none depends on the profile; nor failover behind
# the balancer, whose held shells integration/holder.test.ts types into in both profiles.)
echo "==> Browser tests in the trusted profile"
# shellcheck disable=SC2046
TEST_SANDBOX_PROFILE=trusted node --import tsx --test --test-concurrency=1 --test-reporter=spec \
  $(find tests/e2e -name '*.test.ts' ! -name errors.test.ts ! -name clock.test.ts ! -name cross-site.test.ts ! -name class-wall.test.ts ! -name workshop-day.test.ts ! -name failover.test.ts | sort) || status=$?
# The LXD engine, as a learner uses it: typed terminals through the server, the warm pool
# and capacity, previews of a learner's web server, a learner in Chromium (in both profiles), imported scenarios (their assets
# through LXD's file API), and every lesson's proof in both profiles (the files set their own
# profiles; tests/integration/lxd-*.test.ts ran above: contract, escape suite, limits,
# out-of-memory, network, a two-member cluster).
echo "==> Terminals, the pool, the browser, scenarios and the course on the LXD engine"
TEST_SANDBOX_ENGINE=lxd node --import tsx --test --test-concurrency=1 --test-reporter=spec \
  tests/integration/tty.test.ts tests/integration/pool.test.ts tests/integration/preview.test.ts tests/e2e/play.test.ts tests/integration/scenarios.test.ts \
  tests/lessons/course.test.ts || status=$?
TEST_SANDBOX_ENGINE=lxd TEST_SANDBOX_PROFILE=trusted node --import tsx --test --test-concurrency=1 --test-reporter=spec \
  tests/e2e/play.test.ts || status=$?
node --import tsx --test --test-reporter=spec tests/final/*.test.ts || status=$?
exit "$status"
