#!/usr/bin/env bash
# Regenerates a committed, generated folder and fails when it differs from what git holds:
#   imports  - CRD bindings, from `npm run import` (cdk8s import of crds/)
#   dist     - manifests, from `npm run synth`; and every YAML file of it reads the same as YAML 1.1 and 1.2
#              (scripts/check-yaml-readers.ts: PyYAML/Ansible and kubectl/Argo CD load the same objects)
#   docs     - the generated sections of docs/ and CONTRIBUTING.md, from `npm run docs`
#   validators - precompiled JSON Schema validators (generated/validators.js), from `npm run validators`
#   kubernetes-schema - the core schemas of every target minor (lib/gate/kubernetes-schema.json), from
#              `npm run kubernetes-schema` (needs go and the module proxy: about 16 MB a pinned release)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:?usage: check-generated.sh imports|dist|docs|validators|kubernetes-schema}
case "$what" in
  imports) npm run --silent import >/dev/null ;;
  dist) npm run --silent synth && node --import tsx scripts/check-yaml-readers.ts dist ;;
  docs) npm run --silent docs; what='README.md CONTRIBUTING.md docs' ;;
  validators) npm run --silent validators; what='generated lib/gate/crd-schemas.json' ;;
  kubernetes-schema) npm run --silent kubernetes-schema; what='lib/gate/kubernetes-schema.json' ;;
  *) echo "unknown folder: $what" >&2; exit 2 ;;
esac
# shellcheck disable=SC2086 # $what may name several paths
if ! git diff --exit-code --stat -- $what || [ -n "$(git status --porcelain --untracked-files=all -- $what)" ]; then
  git status --short -- $what
  echo "FAIL: $what is not what a fresh run produces; regenerate it (imports: npm run import, dist: npm run synth, README.md, CONTRIBUTING.md: npm run docs, generated: npm run validators, lib/gate/kubernetes-schema.json: npm run kubernetes-schema) and commit the result" >&2
  exit 1
fi
echo "ok: $what is current"
