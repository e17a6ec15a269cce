/**
 * Regenerates lib/gate/kubernetes-schema.json (see scripts/kubernetes-schema.ts for the transformation and
 * scripts/kubernetes-schema-history.ts for how the minors fold into one document) from the OpenAPI document of every
 * release pinned in lib/core/cluster-version.ts (KUBERNETES_RELEASES), taken from the Go module cache (`go mod
 * download` fetches what is missing through the module proxy, about 16 MB a release). Run when a pin changes:
 *   node --import tsx scripts/generate-kubernetes-schema.ts
 * CI checks that the committed file is what this writes (npm run check:kubernetes-schema).
 */
import * as fs from 'fs';
import { KUBERNETES_RELEASES, SCHEMA_MINORS } from '../lib/core/cluster-version';
import { KUBERNETES_SCHEMA_FILE, swaggerFromGoModuleCache } from './kubernetes-schema';
import { buildKubernetesSchemaHistory, serializeHistory } from './kubernetes-schema-history';

const releases = Object.entries(KUBERNETES_RELEASES).map(([minor, tag]) => ({
  minor,
  tag,
  swagger: JSON.parse(fs.readFileSync(swaggerFromGoModuleCache(tag), 'utf8')),
}));
const history = buildKubernetesSchemaHistory(releases, SCHEMA_MINORS, 'k8s.io/kubernetes api/openapi-spec/swagger.json');
fs.writeFileSync(KUBERNETES_SCHEMA_FILE, serializeHistory(history));
const kinds = Object.values(history.kinds).reduce((n, byKind) => n + Object.keys(byKind).length, 0);
console.error(
  `wrote ${KUBERNETES_SCHEMA_FILE}: Kubernetes ${history.minors.join(', ')}; ${Object.keys(history.definitions).length} definitions, ` +
    `${kinds} kinds of ${Object.keys(history.releases).length} releases, ${Math.round(fs.statSync(KUBERNETES_SCHEMA_FILE).size / 1024)} KiB`,
);
