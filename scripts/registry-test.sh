#!/usr/bin/env bash
# The package as teams get it: from an npm registry, by name. Starts a real npm registry on this machine (Verdaccio,
# pinned in scripts/registry/, installed once into $EAF_TOOLS_DIR or .tools/), publishes the tarball to it as a
# throwaway user, then runs the consumer test in its registry mode: `npm install @eaf/cdk8s@<version>` by name with
# `@eaf:registry` pointing at the local registry, and `eaf-cdk8s init demo` with no --package flag.
#   bash scripts/registry-test.sh [--tarball <tgz>]   default: npm pack of the working tree (prepack builds)
# The registry listens on 127.0.0.1 only, on a free port; its storage is a temporary folder; it serves @eaf/* itself
# (never from upstream) and proxies every other package to the registry npm is configured with. It is stopped on any
# exit. KEEP=1 keeps the temporary folder. Exit codes: 0 pass, 1 fail.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { printf 'registry: %s (+%ss)\n' "$*" "$SECONDS"; }
fail() { printf 'registry: FAIL: %s\n' "$*" >&2; [[ -f ${work:-}/verdaccio.log ]] && tail -20 "$work/verdaccio.log" >&2; exit 1; }
tarball=""
[[ ${1:-} == --tarball ]] && tarball=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
work=$(mktemp -d "${TMPDIR:-/tmp}/eaf-registry.XXXXXX")
pid=""
cleanup() {
  if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [[ ${KEEP:-0} == 1 ]]; then echo "registry: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# Verdaccio from its own lockfile, once per lockfile (not part of the repository's npm ci).
lock="$REPO/scripts/registry/package-lock.json"
tools="${EAF_TOOLS_DIR:-$REPO/.tools}/verdaccio-$(sha256sum "$lock" | cut -c1-12)"
if [[ ! -f $tools/.installed ]]; then
  say "install Verdaccio into $tools"
  rm -rf "$tools" && mkdir -p "$tools"
  cp "$REPO/scripts/registry/package.json" "$lock" "$tools/"
  (cd "$tools" && npm ci --no-audit --no-fund --silent --prefer-offline) && touch "$tools/.installed"
fi

upstream=$(npm config get registry)
port=$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")
url="http://127.0.0.1:$port/"
cat >"$work/config.yaml" <<YAML
storage: $work/storage
auth:
  htpasswd: { file: $work/htpasswd, max_users: 1 }
uplinks:
  upstream: { url: $upstream, timeout: 60s }
packages:
  '@eaf/*': { access: \$all, publish: \$authenticated, unpublish: \$authenticated }
  '**': { access: \$all, proxy: upstream }
listen: 127.0.0.1:$port
log: { type: stdout, format: pretty, level: warn }
YAML
cafile=$(npm config get cafile)
[[ $cafile == null || $cafile == undefined || -z $cafile ]] || export NODE_EXTRA_CA_CERTS="$cafile"
say "start Verdaccio on $url"
"$tools/node_modules/.bin/verdaccio" --config "$work/config.yaml" >"$work/verdaccio.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do
  curl -sf -o /dev/null "$url-/ping" && break
  kill -0 "$pid" 2>/dev/null || fail "Verdaccio exited"
  sleep 0.5
done
curl -sf -o /dev/null "$url-/ping" || fail "Verdaccio did not answer within 60 s"

# A throwaway user; its token goes into a user config as a team's ~/.npmrc would hold it.
token=$(curl -sf -X PUT -H 'content-type: application/json' -d "{\"name\":\"ci\",\"password\":\"ci-$RANDOM$RANDOM\"}" \
  "$url-/user/org.couchdb.user:ci" | node -e "console.log(JSON.parse(require('fs').readFileSync(0, 'utf8')).token)") || fail "creating a user"
printf '@eaf:registry=%s\n//127.0.0.1:%s/:_authToken=%s\n' "$url" "$port" "$token" >"$work/npmrc"
export NPM_CONFIG_USERCONFIG="$work/npmrc"

if [[ -z $tarball ]]; then
  say "npm pack (prepack builds)"
  (cd "$REPO" && npm pack --silent --pack-destination "$work" >/dev/null)
  tarball=$(ls "$work"/*.tgz)
fi
version=$(tar -xzOf "$tarball" package/package.json | node -p "JSON.parse(require('fs').readFileSync(0, 'utf8')).version")
say "npm publish $(basename "$tarball") to $url"
npm publish "$tarball" --registry "$url" --silent || fail "npm publish"
[[ $(npm view "@eaf/cdk8s@$version" version) == "$version" ]] || fail "npm view @eaf/cdk8s@$version through @eaf:registry"
[[ -n $(npm view cdk8s version --registry "$url") ]] || fail "the uplink: npm view cdk8s through $url"
say "published; other packages come through the uplink"

EAF_TARBALL="$tarball" EAF_REGISTRY="$url" bash "$REPO/scripts/consumer-test.sh"
say "PASS"
