'use strict';
// The gate of @eaf/cdk8s as a cdk8s validation plugin (lib/program/cdk8s-plugin.ts). The cdk8s CLI loads a local
// plugin with require(<path>), so an app's cdk8s.yaml names this file (docs/cdk8s-plugin.md):
//
//   validations:
//     - package: ./node_modules/@eaf/cdk8s/cdk8s-plugin.js
//       version: 0.2.0
//       class: EafGateValidation
//
// The package runs the compiled build/; the repository (which has lib/, and may have no build/ or a stale one) runs
// the TypeScript sources through tsx, as its tests do. Each export is assigned by name so that `import` of this
// CommonJS file sees it too (Node finds named exports of CommonJS by reading such assignments).
const fs = require('fs');
const path = require('path');
const source = path.join(__dirname, 'lib', 'program', 'cdk8s-plugin.ts');
const plugin = fs.existsSync(source)
  ? require('tsx/cjs/api').require(source, __filename)
  : require(path.join(__dirname, 'build', 'lib', 'program', 'cdk8s-plugin.js'));
exports.EafGateValidation = plugin.EafGateValidation;
exports.PluginPropertyError = plugin.PluginPropertyError;
