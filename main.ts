import * as fs from 'fs';
import * as path from 'path';
import { defineProduct } from './lib';

/**
 * DVMM, the first EAF product: a Spring Boot API and an nginx frontend, both public, one PostgreSQL database,
 * its own Keycloak with the `dvmm` realm. This file declares the product and nothing else, as every product's
 * main.ts does (`eaf-cdk8s synth` loads it); `synth.ts` is the program that writes `dist/<environment>/` from
 * `environments/` (`npm run synth`).
 */

const REGISTRY = 'registry.eaf.example.com/dvmm';
const CLIENT_SECRET = { secretName: 'dvmm-keycloak-client', key: 'client-secret' };

/** DVMM, declared once. */
export const dvmm = defineProduct({
  name: 'dvmm',
  components: {
    api: {
      kind: 'spring-boot',
      image: `${REGISTRY}/api`,
      public: true,
      databases: ['db'],
      identity: { clientId: 'dvmm-api', clientSecret: CLIENT_SECRET },
    },
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
