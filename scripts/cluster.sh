#!/usr/bin/env bash
# envtest-like harness: a real etcd + kube-apiserver (no controllers) on loopback,
# with the upstream CRDs installed as shipped, to check rendered manifests; on a
# matrix of servers (the oldest and the newest minor, pinned in scripts/tools.sh).
#
#   bash scripts/cluster.sh test <dir>...   # e.g. dist/dev dist/staging dist/production
#   bash scripts/cluster.sh negative        # proves the harness rejects bad input
#   bash scripts/cluster.sh up              # start a cluster for interactive use (Ctrl-C stops)
#   bash scripts/cluster.sh run <command>...  # start one cluster, run the command with KUBECONFIG and KUBECTL
#                                           # set (and KUBE_SERVER_MINOR), stop it; fails when the command fails
#
# Which servers: every server of the matrix (`bash scripts/tools.sh --matrix`), unless
# KUBE_MINOR=<minor> picks one (the built server nearest that minor, e.g. 1.33 -> 1.31).
# `run` uses the oldest by default (KUBE_MINOR picks another).
# A folder given as <dir>@<minor> (the minor its environment targets) runs on the
# server nearest that minor and on the newest one; a plain <dir> does the same with the
# minor of the target record synth writes beside it (<dir>.target.json), and runs on
# every server when there is none. `up` uses the newest by default.
#
# For each <dir> (a folder of plain YAML), `test` runs, on one fresh cluster per folder:
#   0. apply the folder's Namespace objects for real (a server dry run cannot
#      create them, so every namespaced object would fail with "namespace not found")
#   a. kubectl apply --server-side --dry-run=server --validate=strict -f <dir>
#   b. kubectl apply --server-side --validate=strict -f <dir>         (for real)
#   c. a second apply changes nothing: every resourceVersion is unchanged and
#      kubectl diff --server-side -f <dir> exits 0 with empty output
# Every step fails on a non-zero exit and on any stderr output (e.g. `Warning:`
# lines from deprecations or PodSecurity warn labels).
#
# Every cluster starts with the CRDs of CRDS_DIR installed and Established. The first cluster of a server installs them
# and keeps etcd's data as a seed in the tools' cache (<tools>/cluster-seeds/<minor>-<key>, keyed by the server's and
# etcd's releases, the CRDs and this script); later clusters start from a copy of it, about 4 s sooner each.
#
# Env: CRDS_DIR (default <repo>/crds), KEEP_WORKDIR=1 keeps the temp
# folder (logs, kubeconfig) after exit, SHARED_CLUSTER=1 uses one cluster for all dirs, CLUSTER_JOBS=<n> tests n
# folders at a time, each on its own cluster (default 2; 1: one after the other).
# Needs: openssl, jq, ss (iproute2); the binaries come from scripts/tools.sh.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CRDS_DIR="${CRDS_DIR:-$REPO/crds}"
FIXTURES="$REPO/test/cluster"
FIELD_MANAGER=eaf-cdk8s
BIN="${EAF_TOOLS_DIR:-$REPO/.tools}/bin"
declare -A SERVER_ETCD=()  # minor -> etcd binary name, from scripts/tools.sh --matrix
SERVERS=()          # the matrix's minors, oldest first
MINOR=""            # minor of the currently running cluster
RESULTS=()          # "<minor> <folder> <PASS|FAIL> <seconds>" per folder and server
ROOT_WORK=""        # mktemp folder for everything of this run
WORK=""             # folder of the currently running cluster
ETCD_PID="" API_PID=""
PAIR_PIDS=""        # the subshells of run_pairs
FAILURES=0

log() { printf '[cluster] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
pass() { log "$1: PASS ${2:-}"; }
fail() { log "$1: FAIL ${2:-}"; FAILURES=$((FAILURES + 1)); }

kubectl() { "$BIN/kubectl-$MINOR" --kubeconfig "$WORK/kubeconfig" --cache-dir "$WORK/kube-cache" "$@"; }

# ---- cluster lifecycle --------------------------------------------------------

stop_pid() { # <pid>: TERM, then KILL after 10 s
  local pid=$1 i
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

stop_cluster() {
  stop_pid "$API_PID"; API_PID=""
  stop_pid "$ETCD_PID"; ETCD_PID=""
}

cleanup() { # [exit code]: the one to exit with, else the status this trap was entered with
  local rc=${1:-$?} pid
  for pid in $PAIR_PIDS; do stop_pid "$pid"; done  # each stops its own cluster on the way out
  stop_cluster
  if [[ -n $ROOT_WORK ]]; then
    if [[ ${KEEP_WORKDIR:-0} == 1 ]]; then log "kept $ROOT_WORK"; else rm -rf "$ROOT_WORK"; fi
  fi
  exit "$rc"
}

# A free TCP port on 127.0.0.1 (random high port not listening and not yet handed out).
USED_PORTS=" "
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    [[ $USED_PORTS == *" $p "* ]] && continue
    [[ -z "$(ss -Htan "sport = :$p")" ]] && { USED_PORTS+="$p "; echo "$p"; return; }
  done
}

# CA, apiserver serving cert, admin client cert (group system:masters) and the
# service-account signing key pair; EC P-256 keys because they are fast to make.
make_pki() {
  local d=$1
  mkdir -p "$d"
  (
    cd "$d"
    local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
    openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.crt -days 2 -subj /CN=eaf-test-ca 2>/dev/null
    openssl req "${ec[@]}" -keyout server.key -out server.csr -subj /CN=kube-apiserver 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
      -extfile server.ext -out server.crt 2>/dev/null
    openssl req "${ec[@]}" -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=eaf-admin" 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >admin.ext
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
      -extfile admin.ext -out admin.crt 2>/dev/null
    openssl ecparam -name prime256v1 -genkey -noout -out sa.key
    openssl ec -in sa.key -pubout -out sa.pub 2>/dev/null
  )
}

# ---- the matrix ---------------------------------------------------------------

read_matrix() {
  local minor release etcd rest
  while read -r minor release etcd rest; do
    SERVERS+=("$minor")
    SERVER_ETCD[$minor]=$etcd
  done < <(bash "$REPO/scripts/tools.sh" --matrix)
  [[ ${#SERVERS[@]} -gt 0 ]] || die "scripts/tools.sh --matrix names no server"
}

# The built server nearest a minor (1.33 -> 1.31 of 1.31/1.37; a tie goes to the newer).
nearest_server() { # <minor>
  [[ $1 =~ ^1\.[0-9]+$ ]] || die "not a Kubernetes minor: '$1' (expected e.g. 1.33)"
  local want=${1#1.} best="" d bd=999 m
  for m in "${SERVERS[@]}"; do
    d=$((${m#1.} - want)); d=${d#-}
    if [[ $d -le $bd ]]; then bd=$d best=$m; fi
  done
  echo "$best"
}

# The Kubernetes minor the target record beside an environment folder names (<dir>.target.json, which synth writes:
# lib/program/target-record.ts); nothing when there is no record.
recorded_minor() { # <dir>
  local record="${1%/}.target.json" minor
  [[ -f $record ]] || return 0
  minor=$(jq -r '.kubernetes // empty' "$record") || die "$record: is not JSON; run synth again to rewrite it, or delete it"
  [[ -n $minor ]] || die "$record: names no kubernetes minor; run synth again to rewrite it, or delete it"
  echo "$minor"
}

# A folder argument with the minor it targets: <dir>@<minor> as given; <dir> as <dir>@<its recorded minor> unless
# KUBE_MINOR picks a server, else as given.
with_target() { # <arg>
  local minor
  if [[ $1 == *@* || -n ${KUBE_MINOR:-} ]]; then echo "$1"; return; fi
  minor=$(recorded_minor "$1") || exit 1
  if [[ -n $minor ]]; then log "$1: targets Kubernetes $minor (${1%/}.target.json)"; echo "$1@$minor"; else echo "$1"; fi
}

# The servers a folder argument runs on: <dir>@<minor> -> nearest and newest; <dir> -> KUBE_MINOR's or all.
servers_for() { # <arg>
  local newest=${SERVERS[-1]} near
  if [[ $1 == *@* ]]; then
    near=$(nearest_server "${1##*@}")
    if [[ $near == "$newest" ]]; then echo "$newest"; else echo "$near $newest"; fi
  elif [[ -n ${KUBE_MINOR:-} ]]; then nearest_server "$KUBE_MINOR"
  else echo "${SERVERS[*]}"
  fi
}

start_cluster() { # <name> <minor>: starts etcd + kube-apiserver in $ROOT_WORK/<name>@<minor>, waits for readyz, installs CRDs
  local t0=$SECONDS seed
  MINOR=$2
  WORK="$ROOT_WORK/$1@$2"
  mkdir -p "$WORK"
  make_pki "$WORK/pki"
  # Installing the CRDs is half of a cluster's start (the server-side apply of their schemas, about 4 s of 9), and every
  # cluster of every run installs the same ones: the first run of a (server, etcd, CRDs, this script) saves etcd's data
  # with them installed as a seed, and later clusters start from a copy of it (their own PKI, ports and data folder).
  seed=$(seed_dir)
  if [[ -d $seed ]]; then
    cp -a --sparse=always "$seed/etcd" "$WORK/etcd"
    launch "$1@$2" "$t0"
    await_crds "$1@$2" "$seed/served"
    log "$1@$2: $(wc -l <"$seed/served") CRDs from the seed, all Established"
  else
    launch "$1@$2" "$t0"
    install_crds "$1@$2"
    if save_seed "$seed"; then # it stopped the cluster: start it again on the same data
      log "$1@$2: saved the CRDs' etcd data as a seed for later clusters ($seed)"
      launch "$1@$2" "$t0"
      await_crds "$1@$2" "$WORK/crds.served"
    fi
  fi
  log "$1@$2: cluster up in $((SECONDS - t0))s (KUBECONFIG=$WORK/kubeconfig)"
}

# Where the seed of this cluster lives: the tools' cache, keyed by what its data depends on (the server's and etcd's
# releases, every CRD file's content, and this script, whose flags the server started with).
seed_dir() {
  local key
  key=$({
    "$BIN/kube-apiserver-$MINOR" --version
    "$BIN/${SERVER_ETCD[$MINOR]}" --version | head -n1
    cat "$CRDS_DIR"/*.yaml "$REPO/scripts/cluster.sh"
  } | sha256sum | cut -c1-16)
  echo "${EAF_TOOLS_DIR:-$REPO/.tools}/cluster-seeds/$MINOR-$key"
}

# Stops the cluster and keeps its etcd data (sparse: etcd preallocates 64 MB of WAL) and the CRDs it serves as the seed;
# renamed into place so that a concurrent run sees a whole seed or none (the first rename wins).
save_seed() { # <seed dir>; fails, the cluster running, where the tools' cache cannot be written (a read-only image's)
  local tmp
  if ! mkdir -p "$(dirname "$1")" 2>/dev/null || [[ ! -w $(dirname "$1") ]]; then
    log "cannot save a seed in $(dirname "$1") (not writable): every cluster installs the CRDs"
    return 1
  fi
  stop_cluster
  tmp=$(mktemp -d "$1.XXXXXX")
  cp -a --sparse=always "$WORK/etcd" "$tmp/etcd"
  cp "$WORK/crds.served" "$tmp/served"
  mv -T "$tmp" "$1" 2>/dev/null || rm -rf "$tmp"
  # Seeds of this server for other CRDs or another version of this script go once over an hour old (not while a run of
  # that version may still be copying one).
  find "$(dirname "$1")" -mindepth 1 -maxdepth 1 -name "$MINOR-*" ! -name "$(basename "$1")" -mmin +60 -exec rm -rf {} +
}

# Starts etcd on $WORK/etcd (a copy of a seed, or empty) and kube-apiserver on it, writes the kubeconfig, waits for readyz.
launch() { # <name@minor> <start second>
  local etcd_port etcd_peer api_port
  etcd_port=$(free_port) etcd_peer=$(free_port) api_port=$(free_port)
  "$BIN/${SERVER_ETCD[$MINOR]}" --name default --data-dir "$WORK/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
    --initial-cluster "default=http://127.0.0.1:$etcd_peer" \
    --unsafe-no-fsync --log-level warn >"$WORK/etcd.log" 2>&1 &
  ETCD_PID=$!

  # Default admission plugins of the release (include PodSecurity and ServiceAccount);
  # --allow-privileged=true as on real clusters, so PodSecurity is what rejects privileged pods.
  "$BIN/kube-apiserver-$MINOR" \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
    --cert-dir "$WORK/pki" --tls-cert-file "$WORK/pki/server.crt" --tls-private-key-file "$WORK/pki/server.key" \
    --client-ca-file "$WORK/pki/ca.crt" \
    --authorization-mode RBAC \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$WORK/pki/sa.pub" --service-account-signing-key-file "$WORK/pki/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 \
    --allow-privileged=true \
    --endpoint-reconciler-type none \
    --profiling=false \
    >"$WORK/kube-apiserver.log" 2>&1 &
  API_PID=$!

  cat >"$WORK/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: eaf-test
  cluster:
    server: https://127.0.0.1:$api_port
    certificate-authority: $WORK/pki/ca.crt
users:
- name: eaf-admin
  user:
    client-certificate: $WORK/pki/admin.crt
    client-key: $WORK/pki/admin.key
contexts:
- name: eaf-test
  context: {cluster: eaf-test, user: eaf-admin}
current-context: eaf-test
EOF

  local i
  for i in $(seq 240); do
    kill -0 "$ETCD_PID" 2>/dev/null || { tail -n 30 "$WORK/etcd.log" >&2; die "etcd exited"; }
    kill -0 "$API_PID" 2>/dev/null || { tail -n 30 "$WORK/kube-apiserver.log" >&2; die "kube-apiserver exited"; }
    [[ "$(kubectl get --raw /readyz 2>/dev/null)" == ok ]] && break
    [[ $i == 240 ]] && { tail -n 30 "$WORK/kube-apiserver.log" >&2; die "kube-apiserver $MINOR not ready after 60 s"; }
    sleep 0.25
  done
  log "$1: kube-apiserver $("$BIN/kube-apiserver-$MINOR" --version | cut -d' ' -f2) ($("$BIN/${SERVER_ETCD[$MINOR]}" --version | head -n1)) ready on 127.0.0.1:$api_port after $((SECONDS - $2))s"
}

install_crds() { # <name@minor>
  local files=("$CRDS_DIR"/*.yaml) f
  [[ -e ${files[0]} ]] || die "no CRDs in $CRDS_DIR"
  # As upstream ships them (cert-manager's and External Secrets' use `selectableFields`, served by default since
  # Kubernetes 1.31: the reason the oldest server of the matrix is 1.31).
  for f in "${files[@]}"; do cat "$f"; printf '\n---\n'; done >"$WORK/crds.yaml"
  # One JSON object per line (not a v1 List: kubectl validates Lists client-side only).
  kubectl create --dry-run=client --validate=false -o json -f "$WORK/crds.yaml" |
    jq -c 'if .kind == "List" then .items[] else . end' >"$WORK/crds.json"
  if ! run_clean apply --server-side --field-manager "$FIELD_MANAGER" --validate=strict -f "$WORK/crds.json"; then
    die "installing CRDs from $CRDS_DIR failed"
  fi
  jq -r '"\(.spec.names.plural).\(.spec.group)"' "$WORK/crds.json" | sort >"$WORK/crds.served"
  await_crds "$1" "$WORK/crds.served"
  log "$1: installed $(wc -l <"$WORK/crds.json") CRDs from ${#files[@]} files, all Established"
}

# Waits until every CRD of the list (plural.group per line) is served, then checks that each CRD is Established.
await_crds() { # <name@minor> <list>
  local want got i
  want=$(<"$2")
  # A CRD's resource appears in discovery only once it is Established and served;
  # poll discovery (cheap) until every installed CRD is there, then confirm.
  for i in $(seq 240); do
    got=$(kubectl api-resources --cached=false -o name 2>/dev/null | sort) || true
    [[ -z "$(comm -23 <(printf '%s\n' "$want") <(printf '%s\n' "$got"))" ]] && break
    [[ $i == 240 ]] && die "$1: CRDs not served after 60 s: $(comm -23 <(printf '%s\n' "$want") <(printf '%s\n' "$got") | paste -sd' ')"
    sleep 0.25
  done
  got=$(kubectl get crd -o jsonpath='{range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Established")].status}{"\n"}{end}')
  if grep -qv '=True$' <<<"$got"; then die "$1: CRDs not Established: $(grep -v '=True$' <<<"$got" | paste -sd' ')"; fi
}

# ---- helpers for the test steps ----------------------------------------------

# Runs a kubectl command; stdout -> $WORK/out, stderr -> $WORK/err. Returns 1 on a
# non-zero exit or on any stderr output (warnings count as failures).
run_clean() {
  local rc=0
  kubectl "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
  if [[ $rc -ne 0 || -s $WORK/err ]]; then
    sed 's/^/    /' "$WORK/err" >&2
    [[ $rc -ne 0 ]] && log "    (exit code $rc)"
    return 1
  fi
}

# Every object of a folder as JSON, one per line (kubectl parses the YAML; no server write).
objects_of() {
  kubectl create --dry-run=client --validate=false -o json -f "$1" |
    jq -c 'if .kind == "List" then .items[] else . end'
}

# kind/namespace/name resourceVersion of every object of the folder, as stored on the server.
resource_versions() {
  kubectl get -f "$1" -o json |
    jq -r 'if .kind == "List" then .items[] else . end
           | "\(.kind)/\(.metadata.namespace // "-")/\(.metadata.name) \(.metadata.resourceVersion)"' | sort
}

apply_args=(apply --server-side --field-manager "$FIELD_MANAGER" --validate=strict)

test_dir() { # <dir>
  local dir=$1 env total nns n
  env="$(basename "$dir")@$MINOR"
  [[ -d $dir ]] || { fail "$env" "(no such folder: $dir)"; return; }

  objects_of "$dir" >"$WORK/objects.jsonl" || { fail "$env: parse" "(kubectl could not read $dir)"; return; }
  total=$(wc -l <"$WORK/objects.jsonl")
  [[ $total -gt 0 ]] || { fail "$env: parse" "(no objects in $dir)"; return; }

  # 0. Namespaces for real (the dry run below cannot create them).
  # One JSON object per line, not a v1 List: kubectl validates Lists client-side only.
  # Namespaces the folder's objects live in but do not create (Argo CD's own, for dist/argocd/) exist on a cluster
  # that runs what they are for: they are created empty, as the platform has them.
  jq -c 'select(.kind == "Namespace")' "$WORK/objects.jsonl" >"$WORK/namespaces.json"
  jq -r 'select(.metadata.namespace != null) | .metadata.namespace' "$WORK/objects.jsonl" | sort -u |
    while read -r ns; do
      [[ -n $(jq -c --arg ns "$ns" 'select(.metadata.name == $ns)' "$WORK/namespaces.json") ]] ||
        jq -cn --arg ns "$ns" '{apiVersion: "v1", kind: "Namespace", metadata: {name: $ns}}'
    done >>"$WORK/namespaces.json"
  nns=$(wc -l <"$WORK/namespaces.json")
  if [[ $nns -gt 0 ]]; then
    if run_clean "${apply_args[@]}" -f "$WORK/namespaces.json"; then
      pass "$env: namespaces" "($nns applied first)"
    else
      fail "$env: namespaces" "($nns Namespace objects)"; return
    fi
  fi

  # a. server dry run of the whole folder.
  if run_clean "${apply_args[@]}" --dry-run=server -f "$dir"; then
    n=$(grep -c 'serverside-applied (server dry run)' "$WORK/out" || true)
    if [[ $n -eq $total ]]; then pass "$env: dry-run" "($n/$total objects, 0 errors, 0 warnings)"
    else fail "$env: dry-run" "($n of $total objects reported)"; fi
  else
    fail "$env: dry-run" "(see above)"; return
  fi

  # b. real apply.
  if run_clean "${apply_args[@]}" -f "$dir"; then
    n=$(grep -c 'serverside-applied$' "$WORK/out" || true)
    if [[ $n -eq $total ]]; then pass "$env: apply" "($n/$total objects, 0 errors, 0 warnings)"
    else fail "$env: apply" "($n of $total objects reported)"; return; fi
  else
    fail "$env: apply" "(see above)"; return
  fi

  # c. idempotence: a second apply must not change any resourceVersion, and diff is empty.
  resource_versions "$dir" >"$WORK/rv.before" || { fail "$env: idempotence" "(kubectl get failed)"; return; }
  if ! run_clean "${apply_args[@]}" -f "$dir"; then fail "$env: re-apply" "(see above)"; return; fi
  resource_versions "$dir" >"$WORK/rv.after"
  if ! diff -u "$WORK/rv.before" "$WORK/rv.after" >"$WORK/rv.diff"; then
    sed 's/^/    /' "$WORK/rv.diff" >&2
    fail "$env: idempotence" "($(grep -c '^+[^+]' "$WORK/rv.diff") objects changed by the second apply)"
    return
  fi
  local rc=0
  kubectl diff --server-side --field-manager "$FIELD_MANAGER" -f "$dir" >"$WORK/diff.out" 2>"$WORK/diff.err" || rc=$?
  if [[ $rc -ne 0 || -s $WORK/diff.out || -s $WORK/diff.err ]]; then
    sed 's/^/    /' "$WORK/diff.out" "$WORK/diff.err" | head -n 200 >&2
    fail "$env: idempotence" "(kubectl diff exit $rc)"
    return
  fi
  pass "$env: idempotence" "($(wc -l <"$WORK/rv.after") resourceVersions unchanged, kubectl diff empty)"
}

# ---- negative tests ---------------------------------------------------------------

# expect_rejected <name> <file> <regex>...: the server must refuse the file when
# sent with "${NEG_CMD[@]}" (default: the harness's own server-side apply), with
# stderr matching every regex, and the object must not exist afterwards.
NEG_CMD=()
expect_rejected() {
  local name=$1 file=$2 rc=0 re
  shift 2
  local cmd=("${NEG_CMD[@]}")
  [[ ${#cmd[@]} -gt 0 ]] || cmd=("${apply_args[@]}")
  kubectl "${cmd[@]}" -f "$file" >"$WORK/out" 2>"$WORK/err" || rc=$?
  if [[ $rc -eq 0 ]]; then
    fail "negative $name" "(ACCEPTED by the server: $(tr '\n' ' ' <"$WORK/out"))"
    return
  fi
  for re in "$@"; do
    if ! grep -qE "$re" "$WORK/err"; then
      sed 's/^/    /' "$WORK/err" >&2
      fail "negative $name" "(rejected, but the error does not match /$re/)"
      return
    fi
  done
  if [[ -n "$(kubectl get -f "$file" --ignore-not-found -o name 2>/dev/null)" ]]; then
    fail "negative $name" "(rejected, but the object exists)"
    return
  fi
  pass "negative $name" "(kubectl ${cmd[0]}: $(grep -m1 -oE "$1" "$WORK/err" | head -c 160))"
}

run_negative() {
  log "negative: fixtures in ${FIXTURES#"$REPO"/}"
  run_clean "${apply_args[@]}" -f "$FIXTURES/namespaces.yaml" || die "negative: fixture namespaces not applied"
  # Control: a restricted-compliant Pod is accepted in the same namespace, so the
  # rejection below is due to PodSecurity and not to the setup.
  if run_clean "${apply_args[@]}" -f "$FIXTURES/restricted-pod.yaml"; then
    pass "negative control" "(compliant Pod accepted in the restricted namespace)"
  else
    fail "negative control" "(compliant Pod rejected)"
  fi
  # 1. Unknown fields. Server-side apply (what `test` uses) refuses any field that
  #    is not in the schema; a plain create with --validate=strict (server-side
  #    fieldValidation=Strict) refuses it with "strict decoding error: unknown field".
  expect_rejected "unknown-field (apply --server-side)" "$FIXTURES/unknown-field.yaml" \
    '\.spec\.replicass: field not declared in schema'
  NEG_CMD=(create --validate=strict)
  expect_rejected "unknown-field (create --validate=strict)" "$FIXTURES/unknown-field.yaml" \
    'strict decoding error: unknown field "spec\.replicass"'
  NEG_CMD=()
  expect_rejected "unknown-field in a custom resource" "$FIXTURES/unknown-field-cr.yaml" \
    '\.spec\.instancez: field not declared in schema'
  # 2. Pod Security admission.
  expect_rejected "pod-security" "$FIXTURES/privileged-pod.yaml" \
    'violates PodSecurity "restricted:(latest|v1\.[0-9]+)"' 'privileged'
  # 3. A CEL rule (x-kubernetes-validations) of the CloudNativePG Cluster CRD.
  expect_rejected "cnpg-cel" "$FIXTURES/cnpg-cel-violation.yaml" \
    'imageName and imageCatalogRef are mutually exclusive'
}

# test_on <minor> <dir> [start]: tests a folder on a server (a fresh one when `start`), records the result.
test_on() {
  local t=$SECONDS f=$FAILURES
  if [[ -n ${3:-} ]]; then start_cluster "$(basename "$2")" "$1"; fi
  test_dir "$2"
  if [[ -n ${3:-} ]]; then stop_cluster; fi
  RESULTS+=("$1 $2 $([[ $FAILURES == "$f" ]] && echo PASS || echo FAIL) $((SECONDS - t))")
}

# Each pair on a fresh cluster of its own, CLUSTER_JOBS (default 2) at a time: a cluster's start and checks are mostly
# waiting on one process at a time, so two overlap well on two cores (8 pairs: 84 s one at a time, about 60 s two at a time,
# docs/explanation/real-tools.md). Each pair runs in a subshell with its own log, printed whole when it ends.
run_pairs() { # <minor folder>...
  local jobs=${CLUSTER_JOBS:-2} i n=$#
  local -a pair=("$@")
  [[ $jobs =~ ^[1-9][0-9]*$ ]] || die "CLUSTER_JOBS must be a positive number, got '$jobs'"
  if [[ $jobs == 1 ]] || ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] < 501)); then # wait -n -p is bash 5.1's
    for ((i = 0; i < n; i++)); do test_on "${pair[$i]%% *}" "${pair[$i]#* }" start; done
    return
  fi
  declare -A running=()  # pid -> pair index
  local -a results=()     # by pair index, so the table keeps the order asked for
  pair_done() { # <pid> <rc>: print the pair's log, take its result
    local j=${running[$1]} r
    unset "running[$1]"
    cat "$ROOT_WORK/pair-$j.log" >&2
    if [[ -s $ROOT_WORK/pair-$j.result ]]; then r=$(<"$ROOT_WORK/pair-$j.result"); else r="${pair[$j]} FAIL -"; fi
    results[j]=$r
    [[ $2 == 0 ]] || FAILURES=$((FAILURES + 1))
  }
  reap_one() { # waits for any running pair and takes it
    local rc=0 pid
    wait -n -p pid "${!running[@]}" || rc=$?
    pair_done "$pid" "$rc"
  }
  for ((i = 0; i < n; i++)); do
    while [[ ${#running[@]} -ge $jobs ]]; do reap_one; done
    (
      trap stop_cluster EXIT
      trap 'exit 143' TERM
      FAILURES=0 RESULTS=()
      test_on "${pair[$i]%% *}" "${pair[$i]#* }" start
      echo "${RESULTS[0]}" >"$ROOT_WORK/pair-$i.result"
      [[ $FAILURES == 0 ]]
    ) >"$ROOT_WORK/pair-$i.log" 2>&1 &
    running[$!]=$i
    PAIR_PIDS+=" $!"
  done
  while [[ ${#running[@]} -gt 0 ]]; do reap_one; done
  RESULTS+=("${results[@]}")
}

print_results() {
  local r
  log "results (server, folder, result, seconds incl. cluster start):"
  for r in "${RESULTS[@]}"; do log "  $r"; done
}

# ---- main -----------------------------------------------------------------------

main() {
  local action=${1:-}
  [[ -n $action ]] || die "usage: cluster.sh test <dir>... | negative | up | run <command>..."
  shift
  command -v jq >/dev/null || die "jq is required (apt-get install -y jq)"
  command -v openssl >/dev/null || die "openssl is required (apt-get install -y openssl)"
  read_matrix

  # (minor, folder) pairs to test, and the servers they need.
  local pairs=() used=() d m
  case "$action" in
    test)
      [[ $# -gt 0 ]] || die "usage: cluster.sh test <dir>[@<minor>]..."
      for d in "$@"; do
        d=$(with_target "$d") || exit 1  # a bad target record stops the run
        for m in $(servers_for "$d"); do pairs+=("$m ${d%@*}"); done
      done
      ;;
    negative) read -ra used <<<"$(servers_for "")" ;;
    up) used=("$(nearest_server "${KUBE_MINOR:-${SERVERS[-1]}}")") ;;
    run)
      [[ $# -gt 0 ]] || die "usage: cluster.sh run <command>..."
      used=("$(nearest_server "${KUBE_MINOR:-${SERVERS[0]}}")")
      ;;
    *) die "unknown command '$action'" ;;
  esac
  for d in "${pairs[@]}"; do [[ " ${used[*]} " == *" ${d%% *} "* ]] || used+=("${d%% *}"); done
  local tools=()
  for m in "${used[@]}"; do tools+=("kube-apiserver-$m" "kubectl-$m" "${SERVER_ETCD[$m]}"); done
  bash "$REPO/scripts/tools.sh" "${tools[@]}"

  ROOT_WORK=$(mktemp -d "${TMPDIR:-/tmp}/eaf-cluster.XXXXXX")
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  local t0=$SECONDS p
  case "$action" in
    test)
      if [[ ${SHARED_CLUSTER:-0} == 1 ]]; then
        for m in "${SERVERS[@]}"; do
          [[ " ${used[*]} " == *" $m "* ]] || continue
          start_cluster shared "$m"
          for p in "${pairs[@]}"; do [[ ${p%% *} == "$m" ]] && test_on "$m" "${p#* }"; done
          stop_cluster
        done
      else
        run_pairs "${pairs[@]}"
      fi
      print_results
      ;;
    negative)
      for m in "${used[@]}"; do
        start_cluster negative "$m"
        run_negative
        stop_cluster
      done
      ;;
    run)
      start_cluster run "${used[0]}"
      if ! KUBECONFIG="$WORK/kubeconfig" KUBECTL="$BIN/kubectl-$MINOR" KUBE_SERVER_MINOR="$MINOR" "$@"; then
        fail "run" "($* failed)"
      fi
      stop_cluster
      ;;
    up)
      start_cluster up "${used[0]}"
      log "cluster is up; in another shell: export KUBECONFIG=$WORK/kubeconfig"
      log "kubectl: $BIN/kubectl-$MINOR; logs in $WORK; Ctrl-C stops it"
      wait "$API_PID"
      ;;
  esac

  if [[ $FAILURES -gt 0 ]]; then
    log "FAILED: $FAILURES check(s) failed ($((SECONDS - t0))s)"
    exit 1
  fi
  log "ALL PASSED ($((SECONDS - t0))s)"
}

# Sourced (scripts/rehearse.sh reuses the cluster lifecycle): functions only.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then main "$@"; fi
