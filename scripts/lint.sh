#!/usr/bin/env bash
# Cross-checks the synthesised manifests with kube-score (pinned in scripts/tools.sh): an independent
# second opinion next to the in-process gate (lib/gate) that blocks a synth.
#
#   bash scripts/lint.sh                 # every dist/<environment>/ folder
#   bash scripts/lint.sh dist/production # just these
#   bash scripts/lint.sh --exceptions kube-score-exceptions.txt dist/dev   # plus a product's own exceptions
#
# Zero findings (critical or warning) pass; every test switched off below says why. The list below holds
# what the library's constructs cause for every product; a product's own exceptions (an environment's
# choices) live in the product, one `id|reason` per line in the file given with --exceptions. kube-linter
# would be the other choice, but the Go module proxy refuses its module (see scripts/tools.sh).
# Exit codes: 0 clean, 1 findings, 2 usage or setup problem.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

# kube-score tests that do not apply, with the reason (id|reason).
IGNORED=(
  "container-security-context-user-group-id|wants runAsUser/runAsGroup above 10000; OpenShift's restricted-v2 SCC assigns the UID from the namespace range and forbids a fixed one (gate rule openshift-restricted-v2), runAsNonRoot is set"
  "deployment-has-host-podantiaffinity|pods are spread with topologySpreadConstraints (required across kubernetes.io/hostname, best effort across zones), which kube-score does not recognise"
  "networkpolicy-targets-pod|policies for pods the CloudNativePG and Keycloak operators create are not matched by any pod in the manifests; scripts/netpol.sh proves every policy against stand-ins of those pods"
  "ingress-targets-service|the Keycloak Service is created by the Keycloak Operator at run time, so the auth Ingress (dev) targets a Service that is not in the manifests; the gate's service-selects-pods rule checks the Services we render"
  "pod-probes-identical|the static nginx frontend has no dependency to fail readiness on, so liveness and readiness both ask '/' (the API's probes differ)"
)
# Optional kube-score tests that do apply.
ENABLED=(container-seccomp-profile container-ports-check)

die() { printf 'lint: %s\n' "$*" >&2; exit 2; }

dirs=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --exceptions)
      [[ -f ${2:-} ]] || die "--exceptions needs a file of id|reason lines (got '${2:-}')"
      while IFS= read -r line; do
        [[ -z $line || $line == \#* ]] && continue
        [[ $line == *"|"* && -n ${line#*|} ]] || die "$2: '$line' is not id|reason: every exception says why"
        IGNORED+=("$line")
      done <"$2"
      shift 2 ;;
    -*) die "unknown option $1" ;;
    *) dirs+=("$1"); shift ;;
  esac
done
if [[ ${#dirs[@]} -eq 0 ]]; then
  shopt -s nullglob
  dirs=(dist/*/)
  shopt -u nullglob
  [[ ${#dirs[@]} -gt 0 ]] || die "no dist/<environment>/ folders; run npm run synth first"
fi

bash scripts/tools.sh kube-score || die "kube-score could not be installed (see above)"
args=(score --output-format ci --exit-one-on-warning)
for entry in "${IGNORED[@]}"; do args+=(--ignore-test "${entry%%|*}"); done
for test in "${ENABLED[@]}"; do args+=(--enable-optional-test "$test"); done

rc=0
for dir in "${dirs[@]}"; do
  dir=${dir%/}
  files=("$dir"/*.yaml)
  [[ -e ${files[0]} ]] || die "$dir holds no YAML files"
  out=$("${EAF_TOOLS_DIR:-$REPO/.tools}/bin/kube-score" "${args[@]}" "${files[@]}" 2>&1) && status=0 || status=$?
  findings=$(grep -E '^\[(CRITICAL|WARNING)\]' <<<"$out" || true)
  if [[ $status -ne 0 || -n $findings ]]; then
    rc=1
    printf 'FAIL %s: kube-score found %d problems\n%s\n' "$dir" "$(grep -c . <<<"$findings")" "${findings:-$out}"
  else
    printf 'PASS %s: kube-score %d checks OK, 0 findings (%d tests ignored with reasons)\n' "$dir" "$(grep -c '^\[OK\]' <<<"$out")" "${#IGNORED[@]}"
  fi
done
exit $rc
