#!/usr/bin/env bash
# The package build: the library (lib/, imports/) compiled to JavaScript and .d.ts in build/, plus the data the
# gate reads at run time (the Kubernetes 1.28 schema bundle). build/ is git-ignored and rebuilt from scratch, so
# it is never stale; `npm pack` and the consumer test build first.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf build
npx tsc -p tsconfig.build.json
cp lib/gate/kubernetes-schema.json lib/gate/crd-schemas.json build/lib/gate/
# The entry points load each module on first use of one of its exports (see the script).
node scripts/lazy-exports.mjs build/lib/index.js build/lib/program/index.js build/lib/gate/index.js >/dev/null
# Every other module into one file, build/bundle.js, its own file a facade onto it (see the script).
node scripts/bundle-package.mjs >/dev/null
echo "build: $(find build -name '*.js' | wc -l) modules in build/, $(grep -c '^// build/' build/bundle.js) of them in build/bundle.js"
