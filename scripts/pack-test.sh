#!/usr/bin/env bash
# The package as a release ships it: clone the repository's HEAD into an empty folder, npm ci, npm pack (prepack builds
# build/ from scratch), install the tarball with its peers in another empty folder and load every entry of its
# `exports` with plain node, as CommonJS (require) and as ESM (import), plus the eaf-cdk8s command.
#   bash scripts/pack-test.sh [--out <folder>]   --out keeps the tarball there (the registry test publishes it)
# Committed work only: the clone is of HEAD. KEEP=1 keeps the temporary folder. Exit codes: 0 pass, 1 fail.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { printf 'pack: %s (+%ss)\n' "$*" "$SECONDS"; }
fail() { printf 'pack: FAIL: %s\n' "$*" >&2; exit 1; }
out=""
[[ ${1:-} == --out ]] && { out=$(mkdir -p "$2" && cd "$2" && pwd); }
work=$(mktemp -d "${TMPDIR:-/tmp}/eaf-pack.XXXXXX")
trap '[[ ${KEEP:-0} == 1 ]] && echo "pack: kept $work" || rm -rf "$work"' EXIT

say "clone HEAD into an empty folder, npm ci"
git clone --quiet --no-local "$REPO" "$work/clone"
cd "$work/clone"
[[ ! -e build ]] || fail "the clone has a build/ folder"
npm ci --no-audit --no-fund --silent --prefer-offline
say "npm pack (prepack builds)"
npm pack --silent --pack-destination "$work" >/dev/null
tarball=$(ls "$work"/*.tgz)
files=$(tar -tzf "$tarball")
grep -qx 'package/build/lib/index.js' <<<"$files" || fail "the tarball has no build/lib/index.js"
grep -qx 'package/build/bundle.js' <<<"$files" || fail "the tarball has no build/bundle.js (scripts/bundle-package.mjs)"
say "$(wc -l <<<"$files") files, $(du -k "$tarball" | cut -f1) KiB: $(basename "$tarball")"

say "install the tarball and its peers in an empty folder"
mkdir "$work/app" && cd "$work/app"
npm init -y >/dev/null
peers=$(node -p "const p = require('$work/clone/package.json'); Object.keys(p.peerDependencies).map((n) => n + '@' + p.devDependencies[n]).join(' ')")
# shellcheck disable=SC2086 # one word per peer
npm install --no-audit --no-fund --silent --prefer-offline "$tarball" $peers
# Every subpath of `exports` but ./package.json, loaded both ways; the root must give defineProduct.
entries=$(node -p "Object.keys(require('@eaf/cdk8s/package.json').exports).filter((k) => k !== './package.json' && !k.includes('*')).join(' ')")
for entry in $entries; do
  spec="@eaf/cdk8s${entry#.}"
  node -e "const m = require('$spec'); if (Object.keys(m).length === 0) throw new Error('no exports')" || fail "require('$spec')"
  node --input-type=module -e "const m = await import('$spec'); if (Object.keys(m).filter((k) => k !== 'default').length === 0) throw new Error('no named exports')" \
    || fail "import('$spec')"
  say "require('$spec') and import('$spec') work"
done
node -e "if (typeof require('@eaf/cdk8s').defineProduct !== 'function') process.exit(1)" || fail "require('@eaf/cdk8s') does not give defineProduct"
node --input-type=module -e "import { defineProduct } from '@eaf/cdk8s'; if (typeof defineProduct !== 'function') process.exit(1)" \
  || fail "import { defineProduct } from '@eaf/cdk8s' does not give a function"
# The package's own code is one file (scripts/bundle-package.mjs): the root entry loads it, not module by module, and a
# module reached through its own file's facade is the very one the entry gives (one instance, whichever path).
node -e "
const path = require('path');
const root = path.dirname(require.resolve('@eaf/cdk8s/package.json'));
const { defineProduct } = require('@eaf/cdk8s');
const own = Object.keys(require.cache).filter((k) => k.startsWith(root + path.sep)).map((k) => path.relative(root, k));
if (!own.includes(path.join('build', 'bundle.js')) || own.length > 3) throw new Error('loaded ' + own.join(', '));
if (require(path.join(root, 'build', 'lib', 'product', 'product.js')).defineProduct !== defineProduct) throw new Error('two instances of lib/product/product');
" || fail "the root entry does not load its code from build/bundle.js, or a module has two instances"
say "the root entry loads build/bundle.js (3 files of the package), one instance of each module"
npx --no-install eaf-cdk8s --version >/dev/null 2>&1 || fail "eaf-cdk8s --version"
[[ -z $out ]] || { cp "$tarball" "$out/" && say "tarball kept in $out/$(basename "$tarball")"; }
say "PASS"
