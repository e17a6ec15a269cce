#!/usr/bin/env bash
# The public API reports, one per entry point of the package (API Extractor reads the built .d.ts of each):
#   @eaf/cdk8s          etc/eaf-cdk8s.api.md          (constructs and the product model)
#   @eaf/cdk8s/gate     etc/eaf-cdk8s-gate.api.md     (the validation gate)
#   @eaf/cdk8s/program  etc/eaf-cdk8s-program.api.md  (the program layer: files, synthesis, CLI)
# `--local` updates the reports (npm run api:report); without it a changed API fails (npm run check:api, in CI).
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for entry in index gate/index program/index; do
  name=$(dirname "$entry" | sed 's#^\.$##')
  config=$(mktemp --suffix=.json -p build)
  node -e '
    const [config, entry, name] = process.argv.slice(1);
    const base = require("./api-extractor.json");
    base.mainEntryPointFilePath = `<projectFolder>/build/lib/${entry}.d.ts`;
    base.apiReport.reportFileName = name === "" ? "eaf-cdk8s.api.md" : `eaf-cdk8s-${name}.api.md`;
    base.apiReport.reportTempFolder = `<projectFolder>/build/api-report/${name || "root"}/`;
    base.projectFolder = process.cwd();
    require("fs").writeFileSync(config, JSON.stringify(base));
  ' "$config" "$entry" "$name"
  npx api-extractor run --config "$config" "$@" || status=1
  rm -f "$config"
done
exit $status
