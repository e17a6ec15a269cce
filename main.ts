import * as fs from 'fs';
import * as path from 'path';
import { defineProduct, registerPrecompiledValidators, synthesizeProduct } from './lib';

// The JSON Schemas this program compiles, compiled ahead of time (`npm run validators`); any other is compiled when used.
registerPrecompiledValidators(require('./generated/validators').validators);

/**
 * DVMM, the first EAF product: a Spring Boot API and an nginx frontend, both public, one PostgreSQL database,
 * its own Keycloak with the `dvmm` realm. `npm run synth` writes `dist/<environment>/` from `environments/`.
 */

const REGISTRY = 'registry.eaf.example.com/dvmm';
const CLIENT_SECRET = { secretName: 'dvmm-keycloak-client', key: 'client-secret' };

/** DVMM, declared once. */
export const dvmm = defineProduct({
  name: 'dvmm',
  components: {
    api: { kind: 'spring-boot', image: `${REGISTRY}/api`, public: true, databases: ['db'], identity: { clientId: 'dvmm-api', clientSecret: CLIENT_SECRET } },
    // The UI calls the API from the browser, through its public host: no in-cluster flow, but the frontend syncs after it.
    frontend: { kind: 'nginx', image: `${REGISTRY}/frontend`, public: true, browserCalls: ['api'] },
  },
  databases: { db: {} },
  identity: {
    kind: 'keycloak',
    realm: JSON.parse(fs.readFileSync(path.join(__dirname, 'realms', 'dvmm.json'), 'utf8')),
    realmPlaceholders: { DVMM_API_CLIENT_SECRET: CLIENT_SECRET },
    clientUrls: { 'dvmm-frontend': 'frontend' },
  },
  // Argo CD syncs dist/<environment>/ from this repository; each environment's file says how (delivery:).
  delivery: { repoURL: 'https://git.eaf.example.com/eaf/dvmm.git' },
});

/** Where the program reads and writes; tests point it elsewhere. */
export interface MainOptions {
  /** @default `<repo>/environments` */
  readonly environmentsDir?: string;
  /** @default `<repo>/dist` */
  readonly outdir?: string;
  /** @default `<repo>/crds` */
  readonly crdDirectory?: string;
  /** @default console.error */
  readonly log?: (line: string) => void;
  /** Warnings fail the run. @default - `EAF_STRICT=1` in the environment, or `--strict` on the command line */
  readonly strict?: boolean;
}

/** Synthesises every environment; returns the exit code (0 written, 1 invalid input and nothing written). */
export function main(options: MainOptions = {}): number {
  return synthesizeProduct(dvmm, {
    environmentsDir: options.environmentsDir ?? path.join(__dirname, 'environments'),
    outdir: options.outdir ?? path.join(__dirname, 'dist'),
    // `cdk8s synth` deletes its output folder first; it gets a scratch folder (cdk8s.yaml) linked to dist/.
    linkFrom: process.env.CDK8S_OUTDIR,
    crdDirectory: options.crdDirectory ?? path.join(__dirname, 'crds'),
    log: options.log,
    strict: options.strict ?? (process.env.EAF_STRICT === '1' || process.argv.includes('--strict')),
  });
}

if (require.main === module) process.exitCode = main();
