#!/usr/bin/env bash
# Network-policy tier: proves the synthesised NetworkPolicies with an independent analyser
# (np-guard's netpol-analyzer, installed by scripts/tools.sh into .tools/bin/netpolicy).
#
#   bash scripts/netpol.sh [env...]       # check dist/<env>/ (default: every dist/*/)
#   bash scripts/netpol.sh --dist <dir>   # any product's output: only the generic check below
#   bash scripts/netpol.sh --self-test    # prove the tier fails on an edge added in code only
#   bash scripts/netpol.sh --update [env...]  # rewrite test/netpol/expected/<env>.txt from the report
#   bash scripts/netpol.sh --verbose ...  # also print platform and pods on success
#
# Per environment: dist/<env>/*.yaml + stand-ins for operator-managed pods (CloudNativePG instances,
# Keycloak, the realm-import job) + test/netpol/fixtures/<platform>.yaml (DNS, ingress controller,
# monitoring, CloudNativePG operator, an unrelated namespace `other`) are analysed with
# `netpolicy list`; the connections touching the product namespace are normalised and compared with
# test/netpol/expected/<env>.txt; key denials and default-deny coverage are asserted. Prints one
# PASS/FAIL line per environment (allowed connections, time); exits 1 on any failure, 2 on misuse.
# Then the generic check, for any product (lib/program/verify-netpol.ts): the analyser's matrix must equal
# the flow record synth wrote beside each environment (<dist>/<env>.flows.json): every declared flow open,
# every other pair closed. --self-test also proves that check fails on a closed declared flow and on an opened
# undeclared one, for DVMM and for the API-only example (test/netpol/verify-self-test.ts).
# See test/netpol/README.md.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

mode=check
args=()
envs=()
dist=""
while [[ $# -gt 0 ]]; do
  a=$1; shift
  case "$a" in
    --dist) dist=${1:?--dist needs a folder}; shift ;;
    --self-test) mode=self-test ;;
    --update) args+=(--update) ;;
    --verbose | -v) args+=(--verbose) ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "netpol: unknown option $a (see --help)" >&2; exit 2 ;;
    *) envs+=("$a") ;;
  esac
done
if [[ -n $dist ]]; then
  bash scripts/tools.sh netpol-analyzer
  work="$(mktemp -d "${TMPDIR:-/tmp}/netpol.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  node --import tsx test/netpol/verify.ts --netpolicy "${EAF_TOOLS_DIR:-$REPO/.tools}/bin/netpolicy" --work "$work" "$dist" ${envs[@]+"${envs[@]}"}
  exit $?
fi

start=$(date +%s%N)
bash scripts/tools.sh netpol-analyzer
NETPOLICY="${EAF_TOOLS_DIR:-$REPO/.tools}/bin/netpolicy"
[[ -x "$NETPOLICY" ]] || { echo "netpol: $NETPOLICY missing after scripts/tools.sh netpol-analyzer" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/netpol.XXXXXX")"
keep=0
cleanup() { if [[ $keep == 1 ]]; then echo "netpol: analysis folders kept in $work" >&2; else rm -rf "$work"; fi; }
trap cleanup EXIT

rc=0
if [[ $mode == self-test ]]; then
  node --import tsx test/netpol/self-test.ts --netpolicy "$NETPOLICY" --work "$work" || rc=$?
  node --import tsx test/netpol/verify-self-test.ts --netpolicy "$NETPOLICY" --work "$work/verify" || rc=$?
else
  if [[ ${#envs[@]} -eq 0 ]]; then
    # Every folder with a flow record: an environment (dist/argocd/ holds Argo CD's objects, no pods and no policies).
    for d in dist/*/; do [[ -d $d && -f dist/$(basename "$d").flows.json ]] && envs+=("$(basename "$d")"); done
    [[ ${#envs[@]} -gt 0 ]] || { echo "netpol: no dist/*/ folders; run npm run synth first" >&2; exit 2; }
  fi
  targets=()
  for e in "${envs[@]}"; do
    [[ -d dist/$e ]] || { echo "netpol: no dist/$e/ (environments: $(ls dist | tr '\n' ' '))" >&2; exit 2; }
    targets+=("$e=$REPO/dist/$e")
  done
  node --import tsx test/netpol/check.ts --netpolicy "$NETPOLICY" --work "$work" ${args[@]+"${args[@]}"} "${targets[@]}" || rc=$?
  node --import tsx test/netpol/verify.ts --netpolicy "$NETPOLICY" --work "$work/verify" dist "${envs[@]}" || rc=$?
fi

[[ $rc == 0 ]] || keep=1
ms=$((($(date +%s%N) - start) / 1000000))
if [[ $rc == 0 ]]; then
  echo "netpol: ok ($mode, ${ms} ms)"
else
  echo "netpol: FAILED ($mode, ${ms} ms)" >&2
fi
exit "$rc"
