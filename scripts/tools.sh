#!/usr/bin/env bash
# Installs pinned, Go-built tools into <repo>/.tools/bin (git-ignored).
#
#   bash scripts/tools.sh all                  # every tool of the tiers
#   bash scripts/tools.sh kube-apiserver etcd  # just these
#   bash scripts/tools.sh helm                 # the benchmark's peer (not part of `all`)
#   bash scripts/tools.sh rehearsal            # the simulated control plane of npm run test:rehearsal
#                                              # (kube-controller-manager, kube-scheduler, kwok; not part of `all`)
#   bash scripts/tools.sh canary               # the canary rehearsal's controllers (argo-rollouts, prometheus;
#                                              # npm run test:rehearsal:canary; not part of `all`; .ci/run builds them)
#   bash scripts/tools.sh operators            # the operators' own validation (opvalidate; npm run test:operators;
#                                              # not part of `all`; .ci/run builds it in its tools step)
#   bash scripts/tools.sh --update-mods        # after changing a version below:
#                                              # rewrite + tidy scripts/tools/*/go.mod
#   bash scripts/tools.sh --bin-dir            # print the bin folder
#   bash scripts/tools.sh --download all ...   # only fetch the modules of those not yet built (.ci/run, in the background)
#
# Each tool is built from a small wrapper Go module under scripts/tools/<name>/
# whose go.mod/go.sum (checked in) pin every dependency. A stamp file per tool
# (.tools/stamps/<tool>) records the pinned version plus a hash of the wrapper's
# go.mod/go.sum; when it matches and the binary exists, nothing is rebuilt, so a
# warm run takes milliseconds. Go's default module/build caches are used. Tools are built in the order asked, each
# wrapper module under a lock (.tools/locks/<module>.lock, flock(1)): two runs at once build a tool once, the second
# waits for the first and takes its binary (.ci/run builds in the background while its steps ask for their tools).
set -euo pipefail

# ---- Pinned versions: the one place to change them ---------------------------
# The matrix of real API servers (scripts/cluster.sh): the oldest and the newest Kubernetes minor the cluster tier
# runs, side by side as .tools/bin/kube-apiserver-<minor> and kubectl-<minor>. Each release is the one
# lib/core/cluster-version.ts pins for that minor (KUBERNETES_RELEASES, the authority; test/core/tool-pins.test.ts
# checks they agree). The oldest is 1.31, not 1.29 (the oldest target of the gate): the pinned cert-manager and
# External Secrets CRDs use `selectableFields`, which a 1.29 server refuses and a 1.30 server drops (alpha, off),
# and the CRDs are installed as upstream ships them. Environments targeting 1.29/1.30 run on 1.31 (the nearest).
KUBE_MINORS=(1.31 1.37)
declare -A KUBE_RELEASE=([1.31]=v1.31.14 [1.37]=v1.37.2)                          # k8s.io/kubernetes
declare -A KUBE_BUILD_DATE=([1.31]=2025-11-12T11:37:56Z [1.37]=2026-10-27T12:01:04Z)  # the module's .info Time
# The etcd minor each release is tested with (build/dependencies.yaml of k8s.io/kubernetes at that tag:
# v1.31.14 -> etcd 3.5.24, v1.37.2 -> etcd 3.7.0), built as .tools/bin/etcd-<minor> at the latest patch.
declare -A KUBE_ETCD=([1.31]=3.5 [1.37]=3.7)
declare -A ETCD_RELEASE=([3.5]=v3.5.35 [3.7]=v3.7.4)                             # go.etcd.io/etcd/server/v3
# The rehearsal tier (scripts/rehearse.sh) runs a whole control plane on the newest server of the matrix:
# kube-controller-manager-<minor> and kube-scheduler-<minor> come from the same k8s.io/kubernetes module (and so the
# same go build) as kube-apiserver-<minor>, and kwok runs fake nodes and their pods.
KWOK_VERSION=v0.8.0              # sigs.k8s.io/kwok (cmd kwok, run as a controller; its k8s.io modules are v0.36)
KUBE_BUILD_TAGS=providerless     # no legacy in-tree cloud providers (Azure/GCE/vSphere SDKs)
NETPOL_VERSION=v1.4.2            # github.com/np-guard/netpol-analyzer (cmd netpolicy)
KUBE_SCORE_VERSION=v1.20.0       # github.com/zegl/kube-score: the linter of the kube-score tier (lib/program/verify-lint.ts)
HELM_VERSION=v3.16.4             # helm.sh/helm/v3: a peer of `npm run bench` (helm template)
HELM_GIT_COMMIT=7877b45b63f95635153b29a42c0c2f4273ec45ca  # tag v3.16.4
HELM_K8S_MINOR=31                # the k8s.io/client-go v0.31 its go.mod requires (.Capabilities.KubeVersion)
PROMETHEUS_VERSION=v0.316.0      # github.com/prometheus/prometheus (cmd promtool): v0.3MM.P is Prometheus 3.MM.P
PROMETHEUS_GIT_COMMIT=unknown    # tag v3.16.0's commit: not findable here (the module proxy's .info carries no
                                 # Origin, the reachable GitHub snapshot ends before v3.16.0); set it when known
PROMETHEUS_BUILD_DATE=20261105-15:06:51  # the tag's commit time (module .info "Time"), Prometheus' date format
PROMTOOL_BUILD_TAGS=remove_all_sd  # drops the optional service-discovery plugins (cloud SDKs); see build_promtool
# The Prometheus server of the canary rehearsal (npm run test:rehearsal:canary) is built from the same wrapper module
# and version as promtool (scripts/tools/promtool), with the same tags: .tools/bin/prometheus.
ARGO_ROLLOUTS_VERSION=v1.9.3     # github.com/argoproj/argo-rollouts (cmd rollouts-controller): the release of crds/argoproj.io_*
ARGO_ROLLOUTS_BUILD_DATE=2026-11-03T15:01:25Z  # the module's .info Time (the proxy names no commit)
# argo-rollouts v1.9.3's go.mod asks for Go 1.26.10, newer than the machines' Go 1.26.8: its build (only) runs with the
# approved toolchain that the go command takes from the module proxy (76 MB, once per machine). Every other tool keeps
# the machine's Go; the wrapper's go.mod says go 1.26.10, so run its `go mod tidy` with the same variable.
ARGO_ROLLOUTS_GOTOOLCHAIN=go1.27.3
# The operators' own validation code (scripts/tools/opvalidate, npm run test:operators): one program, one wrapper module
# whose go.mod pins each operator at the release of its CRDs in crds/ where the module proxy serves it. It is built with
# the same approved toolchain as argo-rollouts (argo-cd v3.6.2's go.mod asks for Go 1.27.0), so the two share the
# Go build cache. What each pin is and why (crds/SOURCES.md has the CRDs' releases):
OPVALIDATE_ARGO_ROLLOUTS=v1.9.3   # github.com/argoproj/argo-rollouts: as crds/argoproj.io_rollouts.yaml
OPVALIDATE_ARGO_CD=v3.6.2         # github.com/argoproj/argo-cd/v3: as crds/argoproj.io_appprojects.yaml
OPVALIDATE_PROMETHEUS_OPERATOR=v0.94.1  # github.com/prometheus-operator/prometheus-operator: as crds/monitoring.coreos.com_*
# External Secrets is left out: the newest release the module proxy serves whole, v0.16.2 (the CRDs are v2.9.0; its
# apis module is not served, v1.3.2 is refused), does not compile against the controller-runtime v0.25 that
# prometheus-operator v0.94.1 requires (docs/explanation/real-tools.md).
OPVALIDATE_GOTOOLCHAIN=go1.27.3
# kube-linter (golang.stackrox.io/kube-linter) cannot be pinned here: the module
# proxy this project can reach refuses the golang.stackrox.io host (403 "Go module
# host not permitted"), and github.com/stackrox/kube-linter is refused as well;
# kube-score is the linter instead.
# ------------------------------------------------------------------------------

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${EAF_TOOLS_DIR:-$REPO/.tools}"
BIN="$TOOLS_DIR/bin"
STAMPS="$TOOLS_DIR/stamps"
MODS="$REPO/scripts/tools"
# The tiers' tools; kube-apiserver, kubectl and etcd stand for one binary per server of the matrix (kube_tools).
ALL_TOOLS=(kube-apiserver kubectl etcd netpolicy kube-score promtool)
DEV_TOOLS=(helm)  # this repository's own (npm run bench); not in `all`, not in the package
# The rehearsal tier's (npm run test:rehearsal, eaf-cdk8s verify --rehearse; .ci/run builds them in its tools step,
# `all rehearsal`): not in `all`, since verify runs the rehearsal only when named.
# kube-controller-manager and kube-scheduler stand for one binary of the newest server of the matrix (kube_tools).
REHEARSAL_TOOLS=(kube-controller-manager kube-scheduler kwok)
# The canary rehearsal's (npm run test:rehearsal:canary; .ci/run builds them in its tools step, `all rehearsal canary`):
# the Rollouts controller has its own Go toolchain, so none of its packages come from the other tools' build cache
# (measured cold on a dedicated 2-core machine: 214 s with the toolchain's download, docs/explanation/real-tools.md).
CANARY_TOOLS=(argo-rollouts prometheus)
# The operators' validation (npm run test:operators; .ci/run builds it in its tools step, `all rehearsal canary
# operators`; its cold build is measured in docs/explanation/real-tools.md).
OPERATORS_TOOLS=(opvalidate)

# Reproducible, non-interactive Go builds from the checked-in go.sum files.
export GOFLAGS="-mod=readonly -buildvcs=false"
export CGO_ENABLED=0
GO="${GO:-go}"
if ! command -v "$GO" >/dev/null && [[ -x /usr/local/go/bin/go ]]; then GO=/usr/local/go/bin/go; fi

log() { printf '[tools] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Hash of a wrapper module's go.mod + go.sum (part of the stamp key).
mod_hash() { cat "$MODS/$1/go.mod" "$MODS/$1/go.sum" 2>/dev/null | sha256sum | cut -c1-16; }

# The binaries a tool name stands for: kube-apiserver -> kube-apiserver-1.31 kube-apiserver-1.37, etcd -> etcd-3.5
# etcd-3.7 (the etcd of each server of the matrix), any other name -> itself.
kube_tools() {
  local m e seen=" "
  case "$1" in
    kube-apiserver | kubectl) for m in "${KUBE_MINORS[@]}"; do echo "$1-$m"; done ;;
    kube-controller-manager | kube-scheduler) echo "$1-${KUBE_MINORS[-1]}" ;;
    etcd)
      for m in "${KUBE_MINORS[@]}"; do
        e=${KUBE_ETCD[$m]}
        [[ $seen == *" $e "* ]] || echo "etcd-$e"
        seen+="$e "
      done
      ;;
    *) echo "$1" ;;
  esac
}

# The matrix, one server a line: <minor> <release> <etcd binary> <etcd release> (read by scripts/cluster.sh).
print_matrix() {
  local m
  for m in "${KUBE_MINORS[@]}"; do echo "$m ${KUBE_RELEASE[$m]} etcd-${KUBE_ETCD[$m]} ${ETCD_RELEASE[${KUBE_ETCD[$m]}]}"; done
}

# Version + wrapper module hash: rebuild when either changes.
stamp_key() {
  case "$1" in
    kube-apiserver-* | kubectl-* | kube-controller-manager-* | kube-scheduler-*)
      echo "${KUBE_RELEASE[${1##*-}]} tags=$KUBE_BUILD_TAGS $(mod_hash "kube-${1##*-}")" ;;
    etcd-*) echo "${ETCD_RELEASE[${1#etcd-}]} $(mod_hash "$1")" ;;
    netpolicy) echo "$NETPOL_VERSION $(mod_hash netpol)" ;;
    kube-score) echo "$KUBE_SCORE_VERSION $(mod_hash kube-score)" ;;
    helm) echo "$HELM_VERSION $(mod_hash helm)" ;;
    promtool) echo "$PROMETHEUS_VERSION tags=$PROMTOOL_BUILD_TAGS $(mod_hash promtool)" ;;
    prometheus) echo "$PROMETHEUS_VERSION tags=$PROMTOOL_BUILD_TAGS $(mod_hash promtool)" ;;
    argo-rollouts) echo "$ARGO_ROLLOUTS_VERSION go=$ARGO_ROLLOUTS_GOTOOLCHAIN $(mod_hash argo-rollouts)" ;;
    kwok) echo "$KWOK_VERSION $(mod_hash kwok)" ;;
    opvalidate) echo "rollouts=$OPVALIDATE_ARGO_ROLLOUTS cd=$OPVALIDATE_ARGO_CD po=$OPVALIDATE_PROMETHEUS_OPERATOR go=$OPVALIDATE_GOTOOLCHAIN $(mod_hash opvalidate) $(cat "$MODS"/opvalidate/*.go | sha256sum | cut -c1-16)" ;;
  esac
}

# Prometheus release of the pinned module version: v0.316.0 -> 3.16.0 (3.x releases only).
prometheus_release() {
  local v=${PROMETHEUS_VERSION#v0.}
  local mm=${v%%.*}
  echo "$((mm / 100)).$((mm % 100)).${v#*.}"
}

up_to_date() {
  [[ -x "$BIN/$1" && -f "$STAMPS/$1" ]] && [[ "$(head -n1 "$STAMPS/$1")" == "$(stamp_key "$1")" ]]
}

write_stamp() {
  printf '%s\nbuilt %s with %s\n' "$(stamp_key "$1")" "$(date -u +%FT%TZ)" "$("$GO" env GOVERSION)" >"$STAMPS/$1"
}

# Fails early when a go.mod no longer matches the versions pinned above.
check_mod() { # <module dir> <module path> <version>
  grep -qE "^(require )?[[:space:]]*$2 $3( |$)" "$MODS/$1/go.mod" ||
    die "scripts/tools/$1/go.mod does not require $2 $3; run: bash scripts/tools.sh --update-mods"
}

timed_build() { # <label> <cmd...>
  local start=$SECONDS
  log "building $1 ..."
  "${@:2}"
  log "built $1 in $((SECONDS - start))s"
}

build_kube() { # <minor> <tool>...: builds kube-apiserver, kubectl, kube-controller-manager, kube-scheduler of one release in one go build
  local minor=$1 release=${KUBE_RELEASE[$1]}
  shift
  check_mod "kube-$minor" k8s.io/kubernetes "$release"
  # No gitCommit: the module proxy's .info names no commit (kube-apiserver --version prints only gitVersion).
  local ld="-s -w" key val pkg
  for kv in "gitVersion=$release" gitMajor=1 "gitMinor=${minor#1.}" gitTreeState=clean "buildDate=${KUBE_BUILD_DATE[$minor]}"; do
    key=${kv%%=*} val=${kv#*=}
    for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do ld+=" -X $pkg.$key=$val"; done
  done
  local t out=$TOOLS_DIR/build-$minor
  mkdir -p "$out"
  local pkgs=()
  for t in "$@"; do pkgs+=("k8s.io/kubernetes/cmd/$t"); done
  # -tags providerless drops the legacy in-tree cloud providers: not needed here,
  # and it saves a lot of download and compile time.
  (cd "$MODS/kube-$minor" && timed_build "$* $release" "$GO" build -tags "$KUBE_BUILD_TAGS" -trimpath -ldflags "$ld" \
    -o "$out/" "${pkgs[@]}")
  for t in "$@"; do mv "$out/$t" "$BIN/$t-$minor"; done
  rmdir "$out"
}

build_etcd() { # <etcd minor>
  local release=${ETCD_RELEASE[$1]}
  check_mod "etcd-$1" go.etcd.io/etcd/server/v3 "$release"
  (cd "$MODS/etcd-$1" && timed_build "etcd $release" "$GO" build -trimpath \
    -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$release" -o "$BIN/etcd-$1" .)
}

build_netpolicy() {
  check_mod netpol github.com/np-guard/netpol-analyzer "$NETPOL_VERSION"
  (cd "$MODS/netpol" && timed_build netpolicy "$GO" build -trimpath -ldflags "-s -w" \
    -o "$BIN/netpolicy" github.com/np-guard/netpol-analyzer/cmd/netpolicy)
}

build_kube_score() {
  check_mod kube-score github.com/zegl/kube-score "$KUBE_SCORE_VERSION"
  (cd "$MODS/kube-score" && timed_build kube-score "$GO" build -trimpath \
    -ldflags "-s -w -X main.version=$KUBE_SCORE_VERSION" -o "$BIN/kube-score" github.com/zegl/kube-score/cmd/kube-score)
}

build_helm() {
  [[ -f "$MODS/helm/go.mod" ]] || die "helm is a tool of the repository's benchmark (npm run bench); its wrapper module scripts/tools/helm is not in the package"
  check_mod helm helm.sh/helm/v3 "$HELM_VERSION"
  local ld="-s -w" pkg
  ld+=" -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
  ld+=" -X helm.sh/helm/v3/internal/version.gitCommit=$HELM_GIT_COMMIT"
  ld+=" -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
  for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
    ld+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$HELM_K8S_MINOR"
  done
  (cd "$MODS/helm" && timed_build helm "$GO" build -trimpath -ldflags "$ld" -o "$BIN/helm" helm.sh/helm/v3/cmd/helm)
}

build_promtool() { # [promtool|prometheus]: both from the one wrapper module, at one version, with the same tags
  local cmd=${1:-promtool}
  check_mod promtool github.com/prometheus/prometheus "$PROMETHEUS_VERSION"
  local rel dir ld="-s -w" pkg=github.com/prometheus/common/version
  rel=$(prometheus_release)
  dir=$(cd "$MODS/promtool" && "$GO" list -m -f '{{.Dir}}' github.com/prometheus/prometheus 2>/dev/null) || true
  if [[ -n $dir && -f $dir/VERSION ]]; then # module already downloaded: cross-check the derived release
    [[ "$(<"$dir/VERSION")" == "$rel" ]] || die "github.com/prometheus/prometheus@$PROMETHEUS_VERSION is not Prometheus $rel (VERSION: $(<"$dir/VERSION"))"
  fi
  ld+=" -X $pkg.Version=$rel -X $pkg.Revision=$PROMETHEUS_GIT_COMMIT -X $pkg.Branch=HEAD"
  ld+=" -X $pkg.BuildUser=eaf-cdk8s@scripts/tools.sh -X $pkg.BuildDate=$PROMETHEUS_BUILD_DATE"
  # -tags remove_all_sd keeps only the file/http discovery plugins (plus kubernetes,
  # which promtool imports itself): no AWS/Azure/GCE/... SDKs, about 240 packages less.
  # The server is built without the builtinassets tag: no web UI (its assets are an npm build), the HTTP API is all
  # the rehearsal reads.
  (cd "$MODS/promtool" && timed_build "$cmd" "$GO" build -tags "$PROMTOOL_BUILD_TAGS" -trimpath -ldflags "$ld" \
    -o "$BIN/$cmd" "github.com/prometheus/prometheus/cmd/$cmd")
}

build_argo_rollouts() {
  [[ -f "$MODS/argo-rollouts/go.mod" ]] || die "argo-rollouts is a tool of the repository's rehearsal tier (npm run test:rehearsal:canary); its wrapper module scripts/tools/argo-rollouts is not in the package"
  check_mod argo-rollouts github.com/argoproj/argo-rollouts "$ARGO_ROLLOUTS_VERSION"
  local pkg=github.com/argoproj/argo-rollouts/utils/version
  # version/gitTag/gitTreeState as its Makefile sets them; no gitCommit (the module proxy names none), so the
  # controller reports v1.9.3+unknown rather than claiming a commit.
  local ld="-s -w -X $pkg.version=${ARGO_ROLLOUTS_VERSION#v} -X $pkg.buildDate=$ARGO_ROLLOUTS_BUILD_DATE"
  ld+=" -X $pkg.gitTag=$ARGO_ROLLOUTS_VERSION -X $pkg.gitTreeState=clean"
  (cd "$MODS/argo-rollouts" && GOTOOLCHAIN=$ARGO_ROLLOUTS_GOTOOLCHAIN timed_build "argo-rollouts $ARGO_ROLLOUTS_VERSION" \
    "$GO" build -trimpath -ldflags "$ld" -o "$BIN/argo-rollouts" github.com/argoproj/argo-rollouts/cmd/rollouts-controller)
}

build_kwok() {
  [[ -f "$MODS/kwok/go.mod" ]] || die "no wrapper module $MODS/kwok (go.mod): the package or the clone is incomplete"
  check_mod kwok sigs.k8s.io/kwok "$KWOK_VERSION"
  # consts.Version as kwok's own release script sets it (hack/releases.sh); its default KubeVersion is kept.
  (cd "$MODS/kwok" && timed_build "kwok $KWOK_VERSION" "$GO" build -trimpath \
    -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION" -o "$BIN/kwok" sigs.k8s.io/kwok/cmd/kwok)
}

build_opvalidate() {
  [[ -f "$MODS/opvalidate/go.mod" ]] || die "opvalidate is a tool of the repository's operators tier (npm run test:operators); its module scripts/tools/opvalidate is not in the package"
  check_mod opvalidate github.com/argoproj/argo-rollouts "$OPVALIDATE_ARGO_ROLLOUTS"
  check_mod opvalidate github.com/argoproj/argo-cd/v3 "$OPVALIDATE_ARGO_CD"
  check_mod opvalidate github.com/prometheus-operator/prometheus-operator "$OPVALIDATE_PROMETHEUS_OPERATOR"
  (cd "$MODS/opvalidate" && GOTOOLCHAIN=$OPVALIDATE_GOTOOLCHAIN timed_build opvalidate \
    "$GO" build -trimpath -ldflags "-s -w" -o "$BIN/opvalidate" .)
}

# Quick smoke test of a freshly built binary (output captured first: `cmd | grep -q`
# would fail under pipefail when grep exits early and cmd gets SIGPIPE).
verify() {
  local out want
  case "$1" in
    kube-apiserver-* | kube-controller-manager-* | kube-scheduler-*)
      out=$("$BIN/$1" --version) want="Kubernetes ${KUBE_RELEASE[${1##*-}]}" ;;
    kubectl-*) out=$("$BIN/$1" version --client 2>/dev/null) want="Client Version: ${KUBE_RELEASE[${1##*-}]}" ;;
    etcd-*) out=$("$BIN/$1" --version) want="etcd Version: ${ETCD_RELEASE[${1#etcd-}]#v}" ;;
    netpolicy) out=$("$BIN/netpolicy" --help) want="NetworkPolicy" ;;
    kube-score) out=$("$BIN/kube-score" version) want="kube-score version: $KUBE_SCORE_VERSION" ;;
    helm) out=$("$BIN/helm" version --template '{{.Version}} {{.GitCommit}}') want="$HELM_VERSION $HELM_GIT_COMMIT" ;;
    kwok) out=$("$BIN/kwok" --version 2>&1) want="kwok version $KWOK_VERSION " ;;
    promtool | prometheus) out=$("$BIN/$1" --version 2>&1) want="$1, version $(prometheus_release) (branch: HEAD, revision: $PROMETHEUS_GIT_COMMIT)" ;;
    argo-rollouts) out=$("$BIN/argo-rollouts" --version 2>&1) want="$ARGO_ROLLOUTS_VERSION+unknown" ;;
    opvalidate) out=$("$BIN/opvalidate" 2>&1 || true) want="usage: opvalidate" ;;
  esac || die "$1 failed to run"
  [[ $out == *"$want"* ]] || die "$1 failed its smoke test (no '$want' in: $out)"
}

# Rewrites the wrapper go.mod files from the versions above and tidies them.
# Needs the checksum database for new hashes, except np-guard (see netpol/go.mod).
update_mods() {
  local k8s_mod staging m minor release e
  for minor in "${KUBE_MINORS[@]}"; do
    release=${KUBE_RELEASE[$minor]}
    k8s_mod="$("$GO" mod download -json "k8s.io/kubernetes@$release" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
    staging=$(sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p' "$k8s_mod")
    mkdir -p "$MODS/kube-$minor"
    (
      cd "$MODS/kube-$minor"
      [[ -f go.mod ]] || "$GO" mod init eaf.local/tools/kube
      # every staging module at the published v0.<minor>.<patch> of the same release
      local args=(-require "k8s.io/kubernetes@$release")
      for m in $staging; do args+=(-replace "$m=$m@v0.${release#v1.}"); done
      GOFLAGS=-mod=mod "$GO" mod edit "${args[@]}"
      GOFLAGS=-mod=mod "$GO" mod tidy
    )
  done
  for e in "${!ETCD_RELEASE[@]}"; do
    (cd "$MODS/etcd-$e" && GOFLAGS=-mod=mod "$GO" mod edit -require "go.etcd.io/etcd/server/v3@${ETCD_RELEASE[$e]}" &&
      GOFLAGS=-mod=mod "$GO" mod tidy)
  done
  (cd "$MODS/netpol" && GOFLAGS=-mod=mod "$GO" mod edit -require "github.com/np-guard/netpol-analyzer@$NETPOL_VERSION" &&
    GOFLAGS=-mod=mod GONOSUMDB=github.com/np-guard "$GO" mod tidy)
  (cd "$MODS/kube-score" && GOFLAGS=-mod=mod "$GO" mod edit -require "github.com/zegl/kube-score@$KUBE_SCORE_VERSION" &&
    GOFLAGS=-mod=mod "$GO" mod tidy)
  (cd "$MODS/helm" && GOFLAGS=-mod=mod "$GO" mod edit -require "helm.sh/helm/v3@$HELM_VERSION" &&
    GOFLAGS=-mod=mod "$GO" mod tidy)
  (cd "$MODS/promtool" && GOFLAGS=-mod=mod "$GO" mod edit -require "github.com/prometheus/prometheus@$PROMETHEUS_VERSION" &&
    GOFLAGS=-mod=mod "$GO" mod tidy)
  if [[ -f "$MODS/kwok/go.mod" ]]; then
    (cd "$MODS/kwok" && GOFLAGS=-mod=mod "$GO" mod edit -require "sigs.k8s.io/kwok@$KWOK_VERSION" && GOFLAGS=-mod=mod "$GO" mod tidy)
  fi
  if [[ -f "$MODS/argo-rollouts/go.mod" ]]; then # keep its replace block in step with argo-rollouts' own by hand
    (cd "$MODS/argo-rollouts" && export GOTOOLCHAIN=$ARGO_ROLLOUTS_GOTOOLCHAIN GOFLAGS=-mod=mod &&
      "$GO" mod edit -require "github.com/argoproj/argo-rollouts@$ARGO_ROLLOUTS_VERSION" && "$GO" mod tidy)
  fi
  if [[ -f "$MODS/opvalidate/go.mod" ]]; then # its replace block (k8s.io at argo-cd's v0.37.0) is kept by hand
    (cd "$MODS/opvalidate" && export GOTOOLCHAIN=$OPVALIDATE_GOTOOLCHAIN GOFLAGS=-mod=mod &&
      "$GO" mod edit -require "github.com/argoproj/argo-rollouts@$OPVALIDATE_ARGO_ROLLOUTS" \
        -require "github.com/argoproj/argo-cd/v3@$OPVALIDATE_ARGO_CD" \
        -require "github.com/prometheus-operator/prometheus-operator@$OPVALIDATE_PROMETHEUS_OPERATOR" && "$GO" mod tidy)
  fi
  log "go.mod files updated; review and commit scripts/tools/*/go.{mod,sum}"
}

# The wrapper module a binary is built from, and the Go toolchain it needs ("" for the machine's): "<dir> <toolchain>".
module_of() {
  case "$1" in
    kube-apiserver-* | kubectl-* | kube-controller-manager-* | kube-scheduler-*) echo "kube-${1##*-} " ;;
    netpolicy) echo "netpol " ;;
    prometheus) echo "promtool " ;;
    argo-rollouts) echo "argo-rollouts $ARGO_ROLLOUTS_GOTOOLCHAIN" ;;
    opvalidate) echo "opvalidate $OPVALIDATE_GOTOOLCHAIN" ;;
    *) echo "$1 " ;;
  esac
}

# --download: fetch the modules (and Go toolchains) of the tools not yet built, build nothing. .ci/run starts it in the
# background at the beginning, so the downloads overlap the npm and test steps instead of the builds waiting for them
# (the tools step took 1,400 s with an empty module cache, 842 s with most modules cached: docs/explanation/real-tools.md);
# the Go module cache is safe for concurrent use, and a
# download that fails here fails again, with its message, in the build that needs it.
download_modules() {
  local dirs=() t entry dir toolchain
  for t in "$@"; do
    entry=$(module_of "$t")
    [[ " ${dirs[*]} " == *" $entry "* ]] || dirs+=("$entry")
  done
  for entry in "${dirs[@]}"; do
    read -r dir toolchain <<<"$entry"
    log "downloading the modules of $dir${toolchain:+ (Go $toolchain)} ..."
    (cd "$MODS/$dir" && if [[ -n $toolchain ]]; then export GOTOOLCHAIN=$toolchain; fi && "$GO" mod download) ||
      log "downloading the modules of $dir failed; the build will say why"
  done
}

main() {
  [[ $# -gt 0 ]] || set -- all
  local download=0
  case "$1" in
    --update-mods) update_mods; return ;;
    --bin-dir) echo "$BIN"; return ;;
    --matrix) print_matrix; return ;;
    --download) download=1; shift ;;
  esac
  local want=() t a
  for t in "$@"; do
    case "$t" in
      all) for a in "${ALL_TOOLS[@]}"; do mapfile -t -O "${#want[@]}" want < <(kube_tools "$a"); done ;;
      rehearsal) for a in "${REHEARSAL_TOOLS[@]}"; do mapfile -t -O "${#want[@]}" want < <(kube_tools "$a"); done ;;
      canary) want+=("${CANARY_TOOLS[@]}") ;;
      operators) want+=("${OPERATORS_TOOLS[@]}") ;;
      kube-apiserver | kubectl | etcd | kube-controller-manager | kube-scheduler) mapfile -t -O "${#want[@]}" want < <(kube_tools "$t") ;;
      kube-apiserver-* | kubectl-* | etcd-* | kube-controller-manager-* | kube-scheduler-*)
        [[ " $(for a in kube-apiserver kubectl etcd kube-controller-manager kube-scheduler; do kube_tools $a; done) " == *[[:space:]]"$t"[[:space:]]* ]] ||
          die "$t is not a binary of the matrix (KUBE_MINORS at the top of scripts/tools.sh)"
        want+=("$t") ;;
      netpolicy | kube-score | helm | promtool | kwok | argo-rollouts | prometheus | opvalidate) want+=("$t") ;;
      netpol-analyzer) want+=(netpolicy) ;;
      kube-linter) die "kube-linter is not installable here: the Go module proxy refuses golang.stackrox.io (see the top of scripts/tools.sh); use kube-score" ;;
      *) die "unknown tool '$t' (known: ${ALL_TOOLS[*]} ${DEV_TOOLS[*]} ${REHEARSAL_TOOLS[*]} ${CANARY_TOOLS[*]} ${OPERATORS_TOOLS[*]}, all, rehearsal, canary, operators)" ;;
    esac
  done
  mkdir -p "$BIN" "$STAMPS"

  local todo=() m kube dir
  for t in "${want[@]}"; do
    up_to_date "$t" && continue
    [[ " ${todo[*]} " == *" $t "* ]] && continue
    todo+=("$t")
  done
  [[ ${#todo[@]} -eq 0 ]] && return 0
  command -v "$GO" >/dev/null || die "go not found (need Go >= 1.26 for etcd 3.7, >= 1.26.7 for promtool $PROMETHEUS_VERSION)"
  if [[ $download == 1 ]]; then download_modules "${todo[@]}"; return; fi

  mkdir -p "$TOOLS_DIR/locks"
  # In the order asked: the Kubernetes binaries of one release in one go build (at the first of them), every other
  # tool alone; each under its wrapper module's lock (with_lock).
  local kube_done=" "
  for t in "${todo[@]}"; do
    case "$t" in
      kube-apiserver-* | kubectl-* | kube-controller-manager-* | kube-scheduler-*)
        m=${t##*-}
        [[ $kube_done == *" $m "* ]] && continue
        kube_done+="$m "
        kube=()
        for a in kube-apiserver kubectl kube-controller-manager kube-scheduler; do [[ " ${todo[*]} " == *" $a-$m "* ]] && kube+=("$a-$m"); done
        with_lock "kube-$m" build_kube_binaries "$m" "${kube[@]}"
        ;;
      *) read -r dir _ <<<"$(module_of "$t")" && with_lock "$dir" build_tool "$t" ;;
    esac
  done
}

# Runs "$2..." holding an exclusive lock on one wrapper module's builds (flock(1) on .tools/locks/<module>.lock), so
# that two runs at once (.ci/run's background build and a tier asking for its tool) build each tool once: the second
# waits, then finds it built. A run holds one lock at a time, so two runs can never wait on each other. Written by hand:
# a bash script has no lock library, and flock(1) is util-linux's; where it is missing (macOS), runs are not serialised
# and two of them at once may build the same tool twice, as before the locks.
with_lock() { # <module dir> <cmd...>
  if ! command -v flock >/dev/null; then
    "${@:2}"
    return
  fi
  local fd
  exec {fd}>"$TOOLS_DIR/locks/$1.lock"
  if ! flock -n "$fd"; then
    log "another run is building from scripts/tools/$1; waiting for it ..."
    flock "$fd"
  fi
  "${@:2}"
  exec {fd}>&-
}

# <minor> <binary>...: the binaries of one release another run has not built meanwhile, in one go build; then each
# is smoke-tested and stamped.
build_kube_binaries() {
  local minor=$1 t left=()
  for t in "${@:2}"; do up_to_date "$t" || left+=("$t"); done
  if [[ ${#left[@]} -eq 0 ]]; then
    log "${*:2}: built by another run meanwhile"
    return
  fi
  build_kube "$minor" "${left[@]%-"$minor"}"
  for t in "${left[@]}"; do
    verify "$t"
    write_stamp "$t"
  done
}

build_tool() { # <tool>: unless another run built it meanwhile
  if up_to_date "$1"; then
    log "$1: built by another run meanwhile"
    return
  fi
  case "$1" in
    etcd-*) build_etcd "${1#etcd-}" ;;
    netpolicy) build_netpolicy ;;
    kube-score) build_kube_score ;;
    helm) build_helm ;;
    promtool) build_promtool ;;
    prometheus) build_promtool prometheus ;;
    kwok) build_kwok ;;
    argo-rollouts) build_argo_rollouts ;;
    opvalidate) build_opvalidate ;;
  esac
  verify "$1"
  write_stamp "$1"
}

main "$@"
