#!/usr/bin/env bash
# The suite on a busy machine (issue 16): `npm test` while stress-ng keeps every core busy with
# CPU work at the same priority. Installs stress-ng (Debian) when missing; prints how long the run
# took and stops stress-ng by PID whatever happens. Usage: bash scripts/test-under-load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v stress-ng >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y -qq stress-ng >/dev/null || { apt-get update -qq && apt-get install -y -qq stress-ng >/dev/null; }
  else
    echo "test-under-load: install stress-ng (Debian package stress-ng) first" >&2
    exit 2
  fi
fi
workers=$(nproc)
# In a session of its own, as another user's work would be: the kernel shares the CPU between
# sessions (scheduler autogroups), so stress-ng competes with npm test as a whole instead of
# sharing the autogroup of npm test's foreground parts. Its process group is stopped at the end.
setsid stress-ng --cpu "$workers" --quiet &
stress=$!
trap 'kill -- "-$stress" 2>/dev/null || kill "$stress" 2>/dev/null || true; wait "$stress" 2>/dev/null || true' EXIT
echo "test-under-load: stress-ng --cpu $workers (PID $stress) keeps every core busy"
start=$(date +%s)
status=0
npm test || status=$?
elapsed=$(( $(date +%s) - start ))
echo "test-under-load: npm test exited $status after $((elapsed / 60)) min $((elapsed % 60)) s with stress-ng --cpu $workers running"
exit $status
