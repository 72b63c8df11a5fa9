#!/usr/bin/env bash
# Lint and typecheck (the first part of `npm test`), two at a time: each is one single-threaded
# process, and the test machine has two cores. Each job's output is printed when it ends, whole,
# so that the outputs do not interleave. Fails when any job fails.
set -uo pipefail
cd "$(dirname "$0")/.."

# `npm run lint && npm run typecheck`, split into jobs of similar length.
jobs_=(
  "npm run -s lint"
  "npx tsc -p tsconfig.json --noEmit"
  "npx tsc -p electron/tsconfig.json --noEmit"
  "npm run -s typecheck:ui"
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
