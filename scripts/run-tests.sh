#!/usr/bin/env bash
# npm test: the set-up, then every part of the suite, and how long each took.
#
# The fault matrix starts right after the set-up and runs under the other parts, at a lower CPU
# priority (nice 10): it is the longest part and keeps both cores busy, while the others leave
# cores idle in places (a typecheck is one thread, a browser test mostly waits for the page, the
# last unit files run one at a time). The others run one after another in front: check, unit +
# integration, the Electron scan, E2E. Whatever CPU they leave, the fault matrix takes; once they
# are done it goes back to the normal priority (its own process group, reniced), so that on a
# machine busy with other work it is not starved. Its output goes to test-results/faults/run.log
# and is printed at the end. Every part runs even when an
# earlier one failed, so one red run shows every failure; the exit status is the first failure's
# (0 when all pass).
#
# In a fresh clone the npm packages are unpacked first without their build scripts; those run
# (`npm rebuild`: SQLite's compile for better-sqlite3, ~50 s on one core) beside the check, which
# needs no native module, and the fault matrix starts once they are done.
set -uo pipefail
cd "$(dirname "$0")/.."

declare -a lines=()
status=0
part() {
  local name=$1 start=$SECONDS code
  shift
  "$@"
  code=$?
  record "$name" "$start" $((SECONDS - start)) "$code"
  return 0
}
record() { # name, start (s after begin), duration, exit code
  lines+=("$(printf '  %-40s %4d s  (from %3d s)  %s' "$1" "$3" $(($2 - begin)) "$([ "$4" = 0 ] && echo passed || echo "FAILED (exit $4)")")")
  if [ "$4" != 0 ] && [ "$status" = 0 ]; then status=$4; fi
}

begin=$SECONDS
mkdir -p test-results/faults
checked=0
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  setup_start=$SECONDS
  SETUP_NATIVE=later bash scripts/setup.sh || exit $?
  echo "run-tests: building the native modules (npm rebuild) beside the check"
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm rebuild --loglevel=error > test-results/npm-rebuild.log 2>&1 &
  rebuild=$!
  part "npm run check" npm run check
  checked=1
  if ! wait "$rebuild"; then
    echo "run-tests: npm rebuild failed:" >&2
    cat test-results/npm-rebuild.log >&2
    exit 1
  fi
  bash scripts/setup.sh || exit $?
  record "set-up (npm ci, beside the check)" "$setup_start" $((SECONDS - setup_start)) 0
else
  setup_start=$SECONDS
  bash scripts/setup.sh || exit $?
  record "set-up" "$setup_start" $((SECONDS - setup_start)) 0
fi

log=test-results/faults/run.log
faults_start=$SECONDS
# setsid: a process group of its own (its ID is $faults), to renice and to stop as one.
setsid nice -n 10 npm run test:faults > "$log" 2>&1 &
faults=$!
# A new session is a scheduler autogroup of its own where the kernel groups by session
# (sched_autogroup_enabled): there nice acts only inside the group, and the group as a whole
# shares the CPU evenly with ours. Its autogroup nice is what lowers it, set once the child has
# its own session (until then its autogroup is still ours).
own_session() { [[ $(ps -o sid= -p "$faults" 2>/dev/null | tr -d ' ') == "$faults" ]]; }
for _ in {1..100}; do own_session && break; sleep 0.05; done
own_session && { echo 10 > "/proc/$faults/autogroup"; } 2>/dev/null
trap 'kill -- "-$faults" 2>/dev/null; exit 130' INT TERM
echo "run-tests: the fault matrix runs under the other parts at nice 10 (PID $faults); its output follows them"

((checked)) || part "npm run check" npm run check
part "npm run test:unit" npm run test:unit
part "npm run scan:electron" npm run scan:electron
part "npm run test:e2e" npm run test:e2e

echo
echo "run-tests: waiting for the fault matrix (now at the normal priority)"
renice -n 0 -g "$faults" >/dev/null 2>&1 || true
own_session && { echo 0 > "/proc/$faults/autogroup"; } 2>/dev/null
wait "$faults"
faults_code=$?
trap - INT TERM
echo
echo "── npm run test:faults (ran under the other parts) ──"
cat "$log"
record "npm run test:faults (under the others)" "$faults_start" $((SECONDS - faults_start)) "$faults_code"

echo
echo "run-tests: how long each part took (the fault matrix overlapped the parts after it started)"
printf '%s\n' "${lines[@]}"
printf '  %-40s %4d s\n' "all, set-up included" $((SECONDS - begin))
exit "$status"
