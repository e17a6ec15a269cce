#!/usr/bin/env bash
# Benchmarks the README's commands: median wall time over N runs (default 5) of
#   synth  - npm run synth
#   test   - npm test
#   gate   - one synthesis of every environment without and with the validation gate
# Usage: bash scripts/bench.sh [runs] [synth|test|gate|all]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
which=${2:-all}

median() { sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.2f", m }'; }

bench() {
  local name=$1; shift
  local times=()
  "$@" >/dev/null 2>&1 # warm-up (file cache, ts transpile cache)
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s.%N)
    times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')")
  done
  printf '%-8s median %ss over %d runs (runs: %s)\n' "$name" "$(printf '%s\n' "${times[@]}" | median)" "$runs" "$(printf '%.2f ' "${times[@]}")"
}

[[ $which == all || $which == synth ]] && bench synth npm run --silent synth
[[ $which == all || $which == test ]] && bench test npm test --silent
if [[ $which == all || $which == gate ]]; then
  bench no-gate node --import tsx scripts/bench-synth.ts --no-gate
  bench gate node --import tsx scripts/bench-synth.ts --gate
fi
exit 0
