#!/usr/bin/env bash
# npm run test:busy [runs=2] [learners=3]: `npm test` several times in a row while another
# playground runs on the same engine with learners busy in it. No test may depend on an idle
# machine or on being the only playground (issue "The test suite passes on a busy machine").
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-2}"
learners="${2:-3}"
SETUP_FOR=test bash scripts/setup.sh
log="$(mktemp -t cp-busy-neighbour.XXXXXX.log)"
echo "==> Starting a busy neighbour playground with $learners learner(s) (log: $log)"
setsid npx tsx scripts/busy-neighbour.ts "$learners" >"$log" 2>&1 &
neighbour=$!
trap 'kill -TERM -- "-$neighbour" 2>/dev/null || true; wait "$neighbour" 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  grep -q "^busy neighbour cp-" "$log" && break
  kill -0 "$neighbour" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 1
done
grep "^busy neighbour cp-" "$log" || { echo "the busy neighbour did not start within 5 minutes" >&2; cat "$log" >&2; exit 1; }
for run in $(seq 1 "$runs"); do
  echo "==> npm test, run $run of $runs, beside the busy neighbour"
  bash scripts/test.sh
done
kill -0 "$neighbour" 2>/dev/null || { echo "the busy neighbour stopped during the runs:" >&2; cat "$log" >&2; exit 1; }
tail -n 3 "$log"
