#!/usr/bin/env bash
# Lint and typecheck (the first part of `npm test`), two at a time: each is one single-threaded
# process, and the test machine has two cores. Each job's output is printed when it ends, whole,
# so that the outputs do not interleave. Fails when any job fails.
set -uo pipefail
cd "$(dirname "$0")/.."

# `npm run lint && npm run typecheck`, one job per process, the longest first (CPU seconds on
# the test machine: tsc of the core, tests, CLI and Electron main 19; eslint 14; tsc of the E2E
# tests and harness 14; tsc of the renderer 9): two slots finish together at about 29 s.
jobs_=(
  "npx tsc -p tsconfig.json --noEmit"
  "npm run -s lint"
  "npx tsc -p test/e2e/tsconfig.json --noEmit"
  "npx tsc -p renderer/tsconfig.json --noEmit"
)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
failed=0
run() { # index, command
  if bash -c "$2" >"$out/$1" 2>&1; then echo "ok    $2"; else echo "FAIL  $2"; cat "$out/$1"; return 1; fi
}
running=0
for i in "${!jobs_[@]}"; do
  run "$i" "${jobs_[$i]}" &
  running=$((running + 1))
  if ((running == 2)); then
    wait -n || failed=1
    running=$((running - 1))
  fi
done
while ((running > 0)); do
  wait -n || failed=1
  running=$((running - 1))
done
exit $failed
