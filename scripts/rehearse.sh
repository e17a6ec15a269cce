#!/usr/bin/env bash
# The rehearsal tier (npm run test:rehearsal): a simulated control plane per server needed, on which DVMM's and the
# examples' environments are applied and released the way the CLI releases them, each environment on the server of
# its target minor, or the nearest one whose controllers are built (lib/program/rehearsal/servers.ts; the log says which).
#
#   bash scripts/rehearse.sh            # rehearse (test/rehearsal/rehearse.ts plays the release flow)
#   bash scripts/rehearse.sh up         # the control plane with fake nodes for interactive use (Ctrl-C stops it)
#   bash scripts/rehearse.sh canary     # the canary rehearsal (test/rehearsal/canary.test.ts; npm run test:rehearsal:canary)
#   bash scripts/rehearse.sh verify <product> <outdir> <env>...
#                                       # eaf-cdk8s verify <outdir> --rehearse: any product's environments
#                                       # (lib/program/rehearsal/main.ts, shipped with the package)
#
# The control plane: etcd + kube-apiserver + the CRDs of crds/ (scripts/cluster.sh's start_cluster), plus
# kube-controller-manager and kube-scheduler of the same release, and kwok (sigs.k8s.io/kwok, pinned in
# scripts/tools.sh) as the kubelet of three fake nodes in three zones: it marks every scheduled pod Ready after
# REHEARSAL_READY_DELAY_MS (default 3000: a realistic readiness delay, and long enough that a switch which moves a
# Service before its pods are ready is seen by a poll; kwok's own "fast" stages with a delay added). No container
# runs: the controllers (Deployment, ReplicaSet, EndpointSlice, Job, ...) and the scheduler are real.
# Env: KEEP_WORKDIR=1 keeps the temp folder (logs of every process, kubeconfig).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/cluster.sh
source "$REPO/scripts/cluster.sh"

CM_PID="" SCHED_PID="" KWOK_PID=""
READY_DELAY_MS=${REHEARSAL_READY_DELAY_MS:-3000}
NODES=3

stop_cluster() { # the controllers first, then (cluster.sh) kube-apiserver and etcd
  stop_pid "$KWOK_PID"; KWOK_PID=""
  stop_pid "$SCHED_PID"; SCHED_PID=""
  stop_pid "$CM_PID"; CM_PID=""
  stop_pid "$API_PID"; API_PID=""
  stop_pid "$ETCD_PID"; ETCD_PID=""
}

# kwok's Stage objects: its "fast" node and pod stages from the pinned module, pod-ready with a delay.
kwok_stages() { # <out file>
  local dir f
  dir=$(cd "$REPO/scripts/tools/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok) || die "sigs.k8s.io/kwok not in the module cache"
  # pod/chaos/pod-container-running-failed: a pod labelled pod-container-running-failed.stage.kwok.x-k8s.io=true
  # fails (the rehearsal's failing smoke test: lib/program/rehearsal/argo-sync.ts labels a hook Job's pods so).
  for f in node/fast/node-initialize pod/fast/pod-ready pod/fast/pod-complete pod/fast/pod-delete pod/chaos/pod-container-running-failed; do
    [[ -f $dir/kustomize/stage/$f.yaml ]] || die "no kwok stage $f in $dir"
    if [[ $f == pod/fast/pod-ready ]]; then
      sed "s/^spec:\$/spec:\n  delay:\n    durationMilliseconds: $READY_DELAY_MS/" "$dir/kustomize/stage/$f.yaml"
    else
      cat "$dir/kustomize/stage/$f.yaml"
    fi
    printf '\n---\n'
  done >"$1"
  grep -q "durationMilliseconds: $READY_DELAY_MS" "$1" || die "could not add the readiness delay to kwok's pod-ready stage"
}

fake_nodes() { # three Nodes kwok manages (annotation), one per zone
  local i
  for i in $(seq 0 $((NODES - 1))); do
    cat <<NODE
{"apiVersion":"v1","kind":"Node","metadata":{"name":"kwok-node-$i","annotations":{"kwok.x-k8s.io/node":"fake"},
 "labels":{"kubernetes.io/hostname":"kwok-node-$i","kubernetes.io/os":"linux","kubernetes.io/arch":"amd64","type":"kwok",
 "topology.kubernetes.io/zone":"zone-$i","node-role.kubernetes.io/worker":""}},
 "status":{"allocatable":{"cpu":"32","memory":"128Gi","ephemeral-storage":"500Gi","pods":"110"},
  "capacity":{"cpu":"32","memory":"128Gi","ephemeral-storage":"500Gi","pods":"110"}}}
NODE
  done
}

start_controllers() {
  local t0=$SECONDS i p
  # --secure-port 0: no serving endpoint (health is read from the API: nodes Ready, a ServiceAccount created).
  # nodelifecycle off: kwok's nodes send no heartbeat stage, and nothing here tests node failure.
  "$BIN/kube-controller-manager-$MINOR" --kubeconfig "$WORK/kubeconfig" --secure-port 0 --leader-elect=false \
    --controllers '*,-node-lifecycle-controller,-node-ipam-controller' \
    --service-account-private-key-file "$WORK/pki/sa.key" --root-ca-file "$WORK/pki/ca.crt" \
    --use-service-account-credentials=false --concurrent-deployment-syncs 10 --concurrent-endpoint-syncs 10 \
    >"$WORK/kube-controller-manager.log" 2>&1 &
  CM_PID=$!
  "$BIN/kube-scheduler-$MINOR" --kubeconfig "$WORK/kubeconfig" --secure-port 0 --leader-elect=false \
    >"$WORK/kube-scheduler.log" 2>&1 &
  SCHED_PID=$!
  kwok_stages "$WORK/kwok-stages.yaml"
  "$BIN/kwok" --kubeconfig "$WORK/kubeconfig" --config "$WORK/kwok-stages.yaml" \
    --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake --cidr 10.244.0.0/16 --node-ip 10.0.0.1 \
    >"$WORK/kwok.log" 2>&1 &
  KWOK_PID=$!
  fake_nodes | jq -c . >"$WORK/nodes.json"
  run_clean create -f "$WORK/nodes.json" || die "creating the fake nodes failed"
  for i in $(seq 480); do
    for p in "$CM_PID kube-controller-manager" "$SCHED_PID kube-scheduler" "$KWOK_PID kwok"; do
      kill -0 "${p%% *}" 2>/dev/null || { tail -n 30 "$WORK/${p#* }.log" >&2; die "${p#* } exited"; }
    done
    # Ready nodes (kwok) and the default ServiceAccount (the controller-manager's serviceaccount controller).
    if [[ "$(kubectl get nodes -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' 2>/dev/null |
      grep -c True)" == "$NODES" ]] && kubectl get serviceaccount default -n default >/dev/null 2>&1; then
      break
    fi
    [[ $i == 480 ]] && die "the control plane did not come up in 120 s (logs in $WORK)"
    sleep 0.25
  done
  # The API server taints every new Node not-ready (admission TaintNodesByCondition); the node lifecycle controller,
  # off here, would remove it once kwok reports the node Ready. Removed by hand, before any pod exists.
  run_clean taint nodes --all node.kubernetes.io/not-ready:NoSchedule- || die "removing the not-ready taint failed"
  log "rehearsal@$MINOR: kube-controller-manager, kube-scheduler, kwok $("$BIN/kwok" --version 2>&1 | head -n1 | cut -c1-60) and $NODES Ready fake nodes in $((SECONDS - t0))s"
}

# The servers whose kube-controller-manager and kube-scheduler are built (scripts/tools.sh kube_tools: the newest only).
# The older servers' pair cannot be built here: its staging modules (k8s.io/kube-controller-manager,
# k8s.io/kube-scheduler, k8s.io/endpointslice v0.31.x) are refused by the Go module proxy this project reaches (403).
controller_minors() { echo "${SERVERS[-1]}"; }

# One control plane of a server: tools, etcd + kube-apiserver + the controllers + kwok.
plane_up() { # <minor>
  local m=$1 t0=$SECONDS
  bash "$REPO/scripts/tools.sh" "kube-apiserver-$m" "kubectl-$m" "${SERVER_ETCD[$m]}" \
    "kube-controller-manager-$m" "kube-scheduler-$m" kwok
  start_cluster rehearsal "$m"
  start_controllers
  log "rehearsal@$m: control plane up in $((SECONDS - t0))s"
}

COPY=""
verify_cleanup() { # cleanup (cluster.sh), and the product's copy of `verify`
  local rc=$?
  if [[ -n $COPY ]]; then
    if [[ ${KEEP_WORKDIR:-0} == 1 ]]; then log "kept $COPY"; else rm -rf "$COPY"; fi
  fi
  cleanup "$rc"
}

rehearse_main() {
  local action=${1:-test}
  command -v jq >/dev/null || die "jq is required (apt-get install -y jq)"
  command -v openssl >/dev/null || die "openssl is required (apt-get install -y openssl)"
  read_matrix
  local m=${SERVERS[-1]} t0=$SECONDS servers placement
  ROOT_WORK=$(mktemp -d "${TMPDIR:-/tmp}/eaf-rehearsal.XXXXXX")
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  case "$action" in
    up)
      plane_up "$m"
      log "in another shell: export KUBECONFIG=$WORK/kubeconfig (kubectl: $BIN/kubectl-$m; logs in $WORK); Ctrl-C stops it"
      wait "$API_PID"
      ;;
    test)
      # Each environment on the server of its target minor (<env>.target.json), or the nearest with its controllers
      # built (lib/program/rehearsal/servers.ts says which and why); one control plane per server needed, one after the other.
      placement=(--products "$ROOT_WORK/products" --matrix "${SERVERS[*]}" --controllers "$(controller_minors)")
      servers=$(node --import tsx "$REPO/test/rehearsal/rehearse.ts" --plan 1 --server "$m" "${placement[@]}") ||
        die "the rehearsal's plan failed"
      for m in $servers; do
        plane_up "$m"
        node --import tsx "$REPO/test/rehearsal/rehearse.ts" --kubeconfig "$WORK/kubeconfig" --kubectl "$BIN/kubectl-$m" \
          --work "$WORK" --server "$m" "${placement[@]}"
        stop_cluster
      done
      log "rehearsal on ${servers//$'\n'/, }: PASSED in $((SECONDS - t0))s"
      ;;
    verify) # <product> <outdir> <env>...: the package's driver, compiled (build/), or from the sources in the repository
      [[ $# -ge 4 ]] || die "usage: rehearse.sh verify <product folder> <output folder> <env>..."
      local -a driver=("${EAF_NODE:-node}" "$REPO/build/lib/program/rehearsal/main.js")
      # The same rule as bin/eaf-cdk8s.js: in the repository (lib/ beside scripts/), the sources, never a stale build/.
      if [[ ${EAF_CDK8S_BUILT:-} != 1 && -f $REPO/lib/program/rehearsal/main.ts ]]; then
        driver=("${EAF_NODE:-node}" --import tsx "$REPO/lib/program/rehearsal/main.ts")
      fi
      placement=(--product "$2" --outdir "$3" --envs "${*:4}" --matrix "${SERVERS[*]}" --controllers "$(controller_minors)")
      servers=$("${driver[@]}" --plan --server "$m" "${placement[@]}") || die "the rehearsal's plan failed"
      # The release commands run on a copy of the product folder beside it (same depth: its relative imports resolve
      # as the product's do), removed at exit.
      COPY=$(mktemp -d "$(dirname "$2")/.eaf-rehearsal.XXXXXX") || die "cannot create a copy of $2 beside it"
      trap verify_cleanup EXIT
      for m in $servers; do
        plane_up "$m"
        "${driver[@]}" --copy "$COPY" --kubeconfig "$WORK/kubeconfig" --kubectl "$BIN/kubectl-$m" \
          --work "$WORK" --server "$m" "${placement[@]}"
        stop_cluster
      done
      log "rehearsal of ${*:4} on ${servers//$'\n'/, }: PASSED in $((SECONDS - t0))s"
      ;;
    canary) # ---- hook: the canary rehearsal (npm run test:rehearsal:canary; test/rehearsal/canary.test.ts starts the
      # Argo Rollouts controller, Prometheus and its scripted target itself; their binaries: tools.sh canary)
      plane_up "$m"
      EAF_REHEARSAL_KUBECONFIG="$WORK/kubeconfig" EAF_REHEARSAL_KUBECTL="$BIN/kubectl-$m" EAF_REHEARSAL_WORK="$WORK" \
        EAF_REHEARSAL_BIN="$BIN" npx --no-install vitest run --project unit "$REPO/test/rehearsal/canary.test.ts"
      log "rehearsal@$m: canary PASSED in $((SECONDS - t0))s"
      ;;
    *) die "usage: rehearse.sh [test|up|canary|verify <product> <outdir> <env>...]" ;;
  esac
}

rehearse_main "$@"
