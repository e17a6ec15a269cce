#!/usr/bin/env bash
# The test that keeps the package honest: pack @eaf/cdk8s, install the tarball in an empty folder outside the
# repository, and use it as a product team would.
#   1. the tarball holds the library only (no DVMM product, tests, scripts of the repository, examples);
#   2. require('@eaf/cdk8s') works with plain node;
#   3. a consumer program compiled with plain tsc --strict runs with plain node and passes the gate;
#   4. eaf-cdk8s init demo; npm install; npm run synth (gate-clean, three environments); npm test;
#      eaf-cdk8s verify dist: every tier, with no file added (kube-score, the flow record against the analyser, promtool,
#      a real kube-apiserver; tools from $EAF_TOOLS_DIR, default <repo>/.tools), and the rehearsal (verify --rehearse);
#      then each examples/<name>/ product,
#      its imports pointed at the package, synthesised by eaf-cdk8s synth --dir and passing every verify tier;
#   5. the tutorial's commands (docs/tutorial/first-product.md), read from the page and run in an empty folder;
#   6. the light install: the package installs no tsx and no esbuild; init adds tsx to the product only where the Node it
#      runs on cannot strip types (the machine's Node above); then on each Node of $EAF_NODE_MAJORS (default "22 24",
#      pinned by scripts/node-versions.sh; "" skips) init, npm install, npm run typecheck and npm run synth without tsx.
# EAF_TARBALL=<tgz> tests that tarball instead of packing the working tree (npm pack; prepack builds).
# EAF_REGISTRY=<url> is the registry mode (scripts/registry-test.sh): the tarball is published there and npm's config maps
# @eaf to it; @eaf/cdk8s is installed by name and `init` runs without --package, so no file: spec is anywhere.
# KEEP=1 keeps the temporary folder. Exit codes: 0 pass, 1 fail.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { printf 'consumer: %s (+%ss)\n' "$*" "$SECONDS"; }
fail() { printf 'consumer: FAIL: %s\n' "$*" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/eaf-consumer.XXXXXX")
trap '[[ ${KEEP:-0} == 1 ]] && echo "consumer: kept $work" || rm -rf "$work"' EXIT
pin() { node -p "require('$REPO/package.json').devDependencies['$1']"; }

registry=${EAF_REGISTRY:-}
if [[ -n ${EAF_TARBALL:-} ]]; then
  cp "$EAF_TARBALL" "$work/"
else
  say "pack (prepack builds)"
  (cd "$REPO" && npm pack --silent --pack-destination "$work" >/dev/null)
fi
tarball=$(ls "$work"/*.tgz)
version=$(tar -xzOf "$tarball" package/package.json | node -p "JSON.parse(require('fs').readFileSync(0, 'utf8')).version")
# What the consumer installs, and what init pins: by name from the registry, else the tarball's file.
install="$tarball" pinned="file:$tarball"
[[ -z $registry ]] || install="@eaf/cdk8s@$version" pinned="$version"
files=$(tar -tzf "$tarball")
say "$(wc -l <<<"$files") files, $(du -k "$tarball" | cut -f1) KiB: $(basename "$tarball")"
if grep -E '^package/(main\.ts|environments/|realms/|dist/|test/|examples/|lib/|scripts/(bench|docs|netpol|check|build|consumer))' <<<"$files"; then
  fail "the tarball ships files that are not the library (above)"
fi

say "install $install${registry:+ from $registry} and the peers in an empty folder"
mkdir "$work/app" && cd "$work/app"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent "$install" "cdk8s@$(pin cdk8s)" "constructs@$(pin constructs)" "cdk8s-plus-28@$(pin cdk8s-plus-28)" \
  "typescript@$(pin typescript)" "@types/node@$(pin @types/node)"
node -e "const lib = require('@eaf/cdk8s'); if (typeof lib.defineProduct !== 'function') process.exit(1)" || fail "require('@eaf/cdk8s') does not give defineProduct"
say "require('@eaf/cdk8s') works"
[[ ! -e node_modules/tsx && ! -e node_modules/esbuild ]] || fail "installing @eaf/cdk8s brought tsx or esbuild (tsx is an optional peer)"
say "no tsx, no esbuild: $(node -p "Object.keys(require('./package-lock.json').packages).length - 1") packages, $(du -sm node_modules | cut -f1) MiB"

say "a consumer compiled with plain tsc --strict, run with plain node"
cp "$REPO/scripts/consumer/consumer.ts" .
npx tsc --strict --target ES2022 --module commonjs --esModuleInterop --skipLibCheck --outDir out consumer.ts
node out/consumer.js

say "eaf-cdk8s init demo"
if [[ -n $registry ]]; then npx eaf-cdk8s init demo; else npx eaf-cdk8s init demo --package "file:$tarball"; fi
cd demo
[[ $(node -p "require('./package.json').dependencies['@eaf/cdk8s']") == "$pinned" ]] || fail "init did not pin @eaf/cdk8s to $pinned"
# Whether this Node loads main.ts by itself (lib/program/load-product.ts, nodeStripsTypes); init adds tsx where it cannot.
strips() { node -p "Boolean(process.features.typescript) && process.features.require_module === true"; }
tsx_added() { node -p "'tsx' in require('./package.json').devDependencies"; }
[[ $(tsx_added) != "$(strips)" ]] || fail "init on Node $(node --version) (strips types: $(strips)) added tsx: $(tsx_added)"
say "Node $(node --version) strips types: $(strips); init added tsx: $(tsx_added)"
npm install --no-audit --no-fund --silent
if [[ -n $registry ]]; then
  ! grep -l 'file:' package.json package-lock.json ../package.json ../package-lock.json || fail "a file: spec in the files above"
  integrity="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
  [[ $(node -p "require('./package-lock.json').packages['node_modules/@eaf/cdk8s'].integrity") == "$integrity" ]] \
    || fail "the installed @eaf/cdk8s is not the published tarball"
  say "@eaf/cdk8s@$version installed by name from $registry (the tarball's integrity)"
fi
say "npm run typecheck, npm run synth"
npm run --silent typecheck
npm run --silent synth
[[ -f dist/dev/demo.k8s.yaml && -f dist/staging/demo.k8s.yaml && -f dist/production/demo.k8s.yaml ]] || fail "synth did not write three environments"
say "npm test (assertions and snapshots)"
NO_COLOR=1 npx vitest run --update=new 2>&1 | grep -E '^ *(Tests|Snapshots) '
say "eaf-cdk8s verify dist (every tier)"
EAF_TOOLS_DIR="${EAF_TOOLS_DIR:-$REPO/.tools}" npx eaf-cdk8s verify dist
# The rehearsal, from the package: its scripts, its compiled driver, the switch and rollback of this CLI on a copy of
# the product beside it (removed after), on a control plane of the tools built from the package's own wrapper modules.
say "eaf-cdk8s verify dist --rehearse (a simulated control plane; the demo's blue-green staging and production released)"
EAF_TOOLS_DIR="${EAF_TOOLS_DIR:-$REPO/.tools}" npx eaf-cdk8s verify dist --rehearse
[[ -z $(find .. -maxdepth 1 -name '.eaf-rehearsal.*') ]] || fail "verify --rehearse left its product copy behind"

# Every example product of the repository, as a team would write it: imports from the package, synthesised by the CLI
# from the tarball (installed by name in the registry mode, CI's), and every verify tier green with nothing added.
for example in "$REPO"/examples/*/; do
  name=$(basename "$example")
  mkdir -p "examples/$name" && cp -r "$example/." "examples/$name/"
  sed -i "s#from '../../lib/program'#from '@eaf/cdk8s/program'#; s#from '../../lib'#from '@eaf/cdk8s'#" "examples/$name/main.ts"
  ! grep -n "\.\./\.\./" "examples/$name/main.ts" || fail "examples/$name/main.ts reaches into the repository"
  if [[ -f "$example/cdk8s.yaml" ]]; then
    # A plain cdk8s app (no eaf-cdk8s program): the real cdk8s CLI synthesises it and runs the gate as the package's
    # validation plugin, the path its cdk8s.yaml gives in an app (node_modules two folders up, here). The app runs
    # through the repository's tsx, which this product may not have; its planted violation must fail the synth.
    say "example $name: cdk8s synth with the package's validation plugin"
    sed -i "s#package: ./../../cdk8s-plugin.js#package: ./../../node_modules/@eaf/cdk8s/cdk8s-plugin.js#" "examples/$name/cdk8s.yaml"
    grep -q 'package: ./../../node_modules/@eaf/cdk8s/cdk8s-plugin.js' "examples/$name/cdk8s.yaml" || fail "examples/$name/cdk8s.yaml names no plugin"
    rc=0
    (cd "examples/$name" && node "$REPO/node_modules/cdk8s-cli/bin/cdk8s" synth --no-check-upgrade \
      --app "node --import $REPO/node_modules/tsx/dist/loader.mjs main.ts") >"$work/$name.log" 2>&1 || rc=$?
    [[ $rc == 2 ]] && grep -q '\[production-replicas\] spec.replicas' "$work/$name.log" \
      || { cat "$work/$name.log"; fail "cdk8s synth of examples/$name exited $rc, not 2 naming production-replicas"; }
    continue
  fi
  say "example $name: eaf-cdk8s synth and verify (every tier)"
  npx eaf-cdk8s synth --dir "examples/$name" --out "examples/$name/dist"
  EAF_TOOLS_DIR="${EAF_TOOLS_DIR:-$REPO/.tools}" npx eaf-cdk8s verify "examples/$name/dist"
done

# The tutorial as written: every sh block of docs/tutorial/first-product.md, read from the page by
# scripts/tutorial-commands.ts (so the page cannot drift from what runs), in an empty folder, one shell. In the registry
# mode (CI's) the commands run verbatim; otherwise `init` comes from the tarball instead of the registry. CI is unset for
# them so that `npm test` writes the first snapshots as it does on a laptop; git gets a name to commit with.
say "the tutorial's commands (docs/tutorial/first-product.md): init to a rolled-back second release"
(cd "$REPO" && node --import tsx scripts/tutorial-commands.ts) >"$work/tutorial.sh"
if [[ -z $registry ]]; then
  sed -i "s#^npx --yes --package @eaf/cdk8s eaf-cdk8s init \(.*\)\$#$work/app/node_modules/.bin/eaf-cdk8s init \1 --package file:$tarball#" "$work/tutorial.sh"
fi
grep -q 'eaf-cdk8s init orders' "$work/tutorial.sh" || fail "the tutorial has no eaf-cdk8s init orders"
mkdir "$work/tutorial"
(
  cd "$work/tutorial"
  export GIT_AUTHOR_NAME=tutorial GIT_AUTHOR_EMAIL=tutorial@example.com GIT_COMMITTER_NAME=tutorial GIT_COMMITTER_EMAIL=tutorial@example.com
  EAF_TOOLS_DIR="${EAF_TOOLS_DIR:-$REPO/.tools}" env -u CI -u CONTINUOUS_INTEGRATION bash "$work/tutorial.sh"
) || fail "a command of the tutorial (above)"
staging="$work/tutorial/orders/environments/staging.yaml"
grep -q 'activeColor: blue' "$staging" && grep -q 'green: 0.2.0' "$staging" || fail "the tutorial did not end on blue with 0.2.0 idle on green: $(cat "$staging")"
say "the tutorial ran: 0.2.0 released, switched to and rolled back; $(git -C "$work/tutorial/orders" rev-list --count HEAD) commits"

# The light install on the Nodes that strip types: no tsx in the product, main.ts loaded by Node itself.
for major in ${EAF_NODE_MAJORS-22 24}; do
  bin=$(bash "$REPO/scripts/node-versions.sh" "$major") || fail "scripts/node-versions.sh $major"
  say "Node $("$bin/node" --version): init light-$major, npm install, typecheck, synth without tsx"
  (
    export PATH="$bin:$PATH"
    cd "$work/app"
    if [[ -n $registry ]]; then npx eaf-cdk8s init "light-$major"; else npx eaf-cdk8s init "light-$major" --package "file:$tarball"; fi
    cd "light-$major"
    [[ $(tsx_added) == false ]] || fail "init on Node $(node --version) added tsx"
    npm install --no-audit --no-fund --silent
    [[ ! -e node_modules/tsx ]] || fail "npm install brought tsx"
    npm run --silent typecheck
    npm run --silent synth
    [[ -f dist/dev/light-$major.k8s.yaml && -f dist/production/light-$major.k8s.yaml ]] || fail "synth on Node $major wrote no environments"
  )
done
say "PASS"
