#!/usr/bin/env bash
# npm test: the set-up, then every part of the suite, and how long each took.
#
# The E2E tests and the fault matrix run side by side: a browser test spends most of its time
# waiting for the page (one third of two cores busy), while the fault matrix keeps both cores
# busy, so together they take little longer than the fault matrix alone. The fault matrix's output
# goes to test-results/faults/run.log and is printed when the E2E tests are done. Every part runs
# even when an earlier one failed, so one red run shows every failure; the exit status is the
# first failure's (0 when all pass).
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh || exit $?

declare -a lines=()
status=0
part() {
  local name=$1 start=$SECONDS code
  shift
  "$@"
  code=$?
  record "$name" $((SECONDS - start)) "$code"
  return 0
}
record() {
  lines+=("$(printf '  %-34s %4d s  %s' "$1" "$2" "$([ "$3" = 0 ] && echo passed || echo "FAILED (exit $3)")")")
  if [ "$3" != 0 ] && [ "$status" = 0 ]; then status=$3; fi
}

begin=$SECONDS
part "npm run check" npm run check
part "npm run test:unit" npm run test:unit
part "npm run scan:electron" npm run scan:electron

mkdir -p test-results/faults
log=test-results/faults/run.log
faults_start=$SECONDS
npm run test:faults > "$log" 2>&1 &
faults=$!
trap 'kill "$faults" 2>/dev/null; exit 130' INT TERM
echo "run-tests: the fault matrix runs alongside the E2E tests (PID $faults); its output follows them"
part "npm run test:e2e" npm run test:e2e
wait "$faults"
faults_code=$?
trap - INT TERM
echo
echo "── npm run test:faults (ran alongside the E2E tests) ──"
cat "$log"
record "npm run test:faults (with the E2E)" $((SECONDS - faults_start)) "$faults_code"

echo
echo "run-tests: how long each part took (set-up not included)"
printf '%s\n' "${lines[@]}"
printf '  %-34s %4d s\n' "all parts" $((SECONDS - begin))
exit "$status"
