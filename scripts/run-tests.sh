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
set -uo pipefail
cd "$(dirname "$0")/.."

declare -a lines=()
status=0
cpu_file=$(mktemp)
# CPU seconds (user + system) of every child this script has waited for so far, in $cpu: a part's
# CPU is the difference around it (the fault suite's is counted when it is waited for, at the
# end). Wall times on a shared machine vary by a fifth from run to run; CPU varies less. A
# process nobody waits for is not counted: most of Chromium's helper processes in the E2E part.
cpu_now() {
  times > "$cpu_file"
  cpu=$(awk 'END { n = split($0, t, " "); s = 0; for (i = 1; i <= n; i++) { split(t[i], a, "m"); sub("s", "", a[2]); s += a[1] * 60 + a[2] } printf "%.0f", s }' "$cpu_file")
}
part() {
  local name=$1 start=$SECONDS code cpu0
  shift
  cpu_now
  cpu0=$cpu
  "$@"
  code=$?
  cpu_now
  record "$name" "$start" $((SECONDS - start)) "$code" $((cpu - cpu0))
  return 0
}
record() { # name, start (s after begin), duration, exit code, CPU seconds
  lines+=("$(printf '  %-40s %4d s  %5d s CPU  (from %3d s)  %s' "$1" "$3" "$5" $(($2 - begin)) "$([ "$4" = 0 ] && echo passed || echo "FAILED (exit $4)")")")
  if [ "$4" != 0 ] && [ "$status" = 0 ]; then status=$4; fi
}

begin=$SECONDS
bash scripts/setup.sh || exit $?
cpu_now
record "set-up" "$begin" $((SECONDS - begin)) 0 "$cpu"
mkdir -p test-results/faults

# Every part's temporary folders (os.tmpdir(), mkdtemp, Chromium's profiles) go under one folder
# of this run: removed when the run passes, kept and named when it does not. Without it, each run
# left hundreds of scratch folders in /tmp (8.7 GB after a day of runs on the test machine).
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ceremony-tests.XXXXXX")
export TMPDIR=$scratch

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

part "npm run check" npm run check
part "npm run test:unit" npm run test:unit
part "npm run scan:electron" npm run scan:electron
part "npm run test:e2e" npm run test:e2e

echo
echo "run-tests: waiting for the fault matrix (now at the normal priority)"
renice -n 0 -g "$faults" >/dev/null 2>&1 || true
own_session && { echo 0 > "/proc/$faults/autogroup"; } 2>/dev/null
cpu_now
cpu0=$cpu
wait "$faults"
faults_code=$?
cpu_now
trap - INT TERM
echo
echo "── npm run test:faults (ran under the other parts) ──"
cat "$log"
record "npm run test:faults (under the others)" "$faults_start" $((SECONDS - faults_start)) "$faults_code" $((cpu - cpu0))

echo
echo "run-tests: how long each part took (the fault matrix overlapped the parts after it started)"
printf '%s\n' "${lines[@]}"
cpu_now
printf '  %-40s %4d s  %5d s CPU\n' "all, set-up included" $((SECONDS - begin)) "$cpu"
rm -f "$cpu_file"
if [ "$status" = 0 ]; then rm -rf "$scratch"; else echo "run-tests: the tests' temporary folders are kept in $scratch"; fi
exit "$status"
