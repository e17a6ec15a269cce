#!/usr/bin/env bash
# What a new product's install costs: for each tarball of @eaf/cdk8s, in an empty folder, install it with its peers
# (the library alone), run `eaf-cdk8s init demo --package file:<tgz>`, then time `npm install` in demo/. Warm npm cache
# (one untimed run per tarball first), the tarballs' runs interleaved (paired), the median of --runs; the load average
# is printed with each run, since this machine is shared. Figures: docs/package.md, "Light install".
#   bash scripts/bench/install.sh [--runs 3] [--node <major>] <label>=<tgz> ...
#   e.g. bash scripts/bench/install.sh --node 24 before=old.tgz after=eaf-cdk8s-0.2.0.tgz
# --node runs npm and init on that pinned Node (scripts/node-versions.sh); default the machine's. Exit codes: 0, 1, 2.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs=3
while [[ ${1:-} == --* ]]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --node) PATH="$(bash "$REPO/scripts/node-versions.sh" "$2"):$PATH"; export PATH; shift 2 ;;
    *) echo "usage: install.sh [--runs N] [--node <major>] <label>=<tgz> ..." >&2; exit 2 ;;
  esac
done
[[ $# -gt 0 ]] || { echo "usage: install.sh [--runs N] [--node <major>] <label>=<tgz> ..." >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/eaf-install-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
pin() { node -p "require('$REPO/package.json').devDependencies['$1']"; }
peers="cdk8s@$(pin cdk8s) constructs@$(pin constructs) cdk8s-plus-28@$(pin cdk8s-plus-28)"
count() { node -p "Object.keys(require('./package-lock.json').packages).length - 1"; }

# One run: prints "<library s> <library packages> <library MiB> <product s> <product packages> <product MiB> <tsx in product>"
run() {
  local tgz=$1 dir
  dir=$(mktemp -d "$work/run.XXXXXX")
  cd "$dir" && npm init -y >/dev/null
  local t0 t1 t2
  t0=$(date +%s.%N)
  # shellcheck disable=SC2086 # one word per peer
  npm install --no-audit --no-fund --silent "$tgz" $peers 2>/dev/null
  t1=$(date +%s.%N)
  local library="$(echo "$t1 - $t0" | bc) $(count) $(du -sm node_modules | cut -f1)"
  npx --no-install eaf-cdk8s init demo --package "file:$tgz" 2>/dev/null
  cd demo
  t1=$(date +%s.%N)
  npm install --no-audit --no-fund --silent 2>/dev/null
  t2=$(date +%s.%N)
  echo "$library $(echo "$t2 - $t1" | bc) $(count) $(du -sm node_modules | cut -f1) $([[ -e node_modules/tsx ]] && echo tsx || echo no-tsx)"
  cd / && rm -rf "$dir"
}
median() { sort -n | awk -v f="$1" '{ a[NR] = $1 } END { printf f "\n", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

echo "node $(node --version), npm $(npm --version), $(nproc) cores; warm-up (untimed) ..."
for pair in "$@"; do run "$(realpath "${pair#*=}")" >/dev/null; done
declare -A results
for i in $(seq 1 "$runs"); do
  for pair in "$@"; do
    label=${pair%%=*}
    line=$(run "$(realpath "${pair#*=}")")
    results[$label]+="$line"$'\n'
    echo "run $i $label: $line (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  done
done
echo "median of $runs: label | library alone: s, packages (package-lock.json entries), MiB | new product's npm install: s, packages, MiB"
for pair in "$@"; do
  label=${pair%%=*}
  col() { printf '%s' "${results[$label]}" | awk -v c="$1" 'NF { print $c }' | median "${2:-%d}"; }
  echo "$label | $(col 1 %.1f) s, $(col 2), $(col 3) MiB | $(col 4 %.1f) s, $(col 5), $(col 6) MiB"
done
