/**
 * Regenerates lib/gate/kubernetes-schema.json (see scripts/kubernetes-schema.ts for the source and the
 * transformation). Run by hand when the Kubernetes version changes:
 *   node --import tsx scripts/generate-kubernetes-schema.ts [swagger.json | -]
 * No argument: the swagger.json of k8s.io/kubernetes at KUBERNETES_VERSION from the Go module cache; `-`: stdin.
 */
import * as fs from 'fs';
import { KUBERNETES_VERSION } from '../lib/gate/kubernetes-schema';
import { buildKubernetesSchemaBundle, KUBERNETES_SCHEMA_FILE, serializeBundle, swaggerFromGoModuleCache } from './kubernetes-schema';

const arg = process.argv[2];
const input = arg === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(arg ?? swaggerFromGoModuleCache(), 'utf8');
const source = `k8s.io/kubernetes ${KUBERNETES_VERSION} api/openapi-spec/swagger.json`;
const bundle = buildKubernetesSchemaBundle(JSON.parse(input), source);
fs.writeFileSync(KUBERNETES_SCHEMA_FILE, serializeBundle(bundle));
const kinds = Object.values(bundle.kinds).reduce((n, byKind) => n + Object.keys(byKind).length, 0);
console.error(`wrote ${KUBERNETES_SCHEMA_FILE}: ${kinds} kinds, ${Object.keys(bundle.definitions).length} definitions`);
