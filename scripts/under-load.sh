#!/usr/bin/env bash
# Runs a command with every core busy: one CPU hog per core (a shell busy loop at normal priority) for as long as the
# command runs, so CI proves the tests hold on a loaded machine (timeouts, not idle-machine timing). Prints the load
# average before and after; exits with the command's status.
#   bash scripts/under-load.sh npx vitest run --project unit
set -euo pipefail
hogs=()
stop() { for pid in "${hogs[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap stop EXIT
for _ in $(seq "$(nproc)"); do
  (while :; do :; done) &
  hogs+=("$!")
done
echo "under load: ${#hogs[@]} CPU hogs on $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
"$@" || status=$?
echo "under load: done (exit $status); load average $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
