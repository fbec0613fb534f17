#!/usr/bin/env bash
# Runs the protocol fuzz test with many seeds (default 20), printing any seed that fails.
#   scripts/fuzz-seeds.sh 50
set -uo pipefail
cd "$(dirname "$0")/.."
npm run build --silent
failed=0
for seed in $(seq 1 "${1:-20}"); do
  if ! FUZZ_SEED="$seed" npx vitest run apps/sync-server/src/sync/fuzz.test.ts >/dev/null 2>&1; then
    echo "fuzz seed $seed FAILED (rerun: FUZZ_SEED=$seed npx vitest run apps/sync-server/src/sync/fuzz.test.ts)"
    failed=1
  fi
done
[ "$failed" = 0 ] && echo "all fuzz seeds passed"
exit "$failed"
