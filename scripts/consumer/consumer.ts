// A consumer of @eaf/cdk8s compiled with plain `tsc --strict` and run with plain `node` (no tsx): the package's
// JavaScript, types and shipped CRDs must be enough. Exits 1 on any gate finding.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { defineProduct, EafProductChart, EnvironmentConfig } from '@eaf/cdk8s';
import { formatFinding, ManifestValidator } from '@eaf/cdk8s/gate';
import { PACKAGE_CRD_DIRECTORY, readCrdFolder } from '@eaf/cdk8s/program';

const product = defineProduct({
  name: 'consumer',
  components: { api: { kind: 'spring-boot', image: 'registry.example.com/consumer/api', public: true, databases: ['db'] } },
  databases: { db: { version: '17.6' } },
});
const environment: EnvironmentConfig = {
  name: 'dev',
  hosts: { api: 'api.consumer.example.com' },
  exposure: { kind: 'ingress', clusterIssuer: 'letsencrypt' },
  release: { strategy: 'rolling' },
  components: { api: { tag: '1.0.0', replicas: 1 } },
};
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-'));
const app = new App({ outdir });
const chart = new EafProductChart(app, product.name, { product, environment });
app.synth();
const objects = chart.toJson();
const report = new ManifestValidator({ crds: readCrdFolder(PACKAGE_CRD_DIRECTORY) }).validate([{ environment: 'dev', critical: false, objects }]);
report.findings.forEach((f) => console.error(formatFinding(f)));
fs.rmSync(outdir, { recursive: true, force: true });
console.log(`consumer: ${objects.length} objects, ${report.findings.length} findings`);
process.exitCode = report.findings.length === 0 ? 0 : 1;
