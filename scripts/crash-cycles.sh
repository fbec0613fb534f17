#!/usr/bin/env bash
# Kills the real server with SIGKILL while several clients type, restarts it, and checks that every
# update any client had received survived; as many cycles as asked (default 20).
#   scripts/crash-cycles.sh 100
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build --silent
CRASH_CYCLES="${1:-20}" npx vitest run e2e/vitest/restart.test.ts -t SIGKILL
