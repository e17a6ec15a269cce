import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { EafProductChart, EnvironmentConfig, EnvironmentFileError, ManifestValidator, loadEnvironmentDirectory, SynthesisError, synthesizeEnvironments } from './lib';

/**
 * DVMM: one EafProductChart per `environments/<name>.yaml`, written to `dist/<name>/`.
 * Run with `npm run synth`; `cdk8s synth` works too (it sets CDK8S_OUTDIR).
 */

/** Where DVMM's images live; an environment file may override a component's `image`. */
export const DVMM_IMAGES = {
  api: 'registry.eaf.example.com/dvmm/api',
  frontend: 'registry.eaf.example.com/dvmm/frontend',
};

export interface MainOptions {
  /** Folder of environment files. @default `<repo>/environments` */
  readonly environmentsDir?: string;
  /** Output folder. @default `$CDK8S_OUTDIR`, else `<repo>/dist` */
  readonly outdir?: string;
  /** CustomResourceDefinitions the gate checks custom resources against. @default `<repo>/../shared/crds` */
  readonly crdDirectory?: string;
  /** Where progress and errors go. @default console */
  readonly log?: (line: string) => void;
}

/** DVMM's realm, imported by the Keycloak Operator; secrets come from placeholders. */
export function loadDvmmRealm(): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(__dirname, 'realms', 'dvmm.json'), 'utf8'));
}

/** Composes DVMM in one environment. */
export function dvmmChart(app: App, environment: EnvironmentConfig, realm: Record<string, unknown>): EafProductChart {
  return new EafProductChart(app, 'dvmm', {
    product: 'dvmm',
    environment,
    images: DVMM_IMAGES,
    realm,
    realmPlaceholders: { DVMM_API_CLIENT_SECRET: { secretName: 'dvmm-keycloak-client', key: 'client-secret' } },
  });
}

/** Synthesises every environment; returns the process exit code (0 ok, 1 invalid input). */
export function main(options: MainOptions = {}): number {
  const log = options.log ?? ((line: string) => console.error(line));
  const environmentsDir = options.environmentsDir ?? path.join(__dirname, 'environments');
  const outdir = options.outdir ?? process.env.CDK8S_OUTDIR ?? path.join(__dirname, 'dist');
  try {
    const environments = loadEnvironmentDirectory(environmentsDir);
    const realm = loadDvmmRealm();
    const crdDirectory = options.crdDirectory ?? path.join(__dirname, '..', 'shared', 'crds');
    if (!fs.existsSync(crdDirectory)) {
      log(`error: the CRD folder ${crdDirectory} does not exist; check out the platform's shared/ folder beside this repository (the gate validates custom resources against its CRDs)`);
      log(`nothing was written; ${outdir} is unchanged`);
      return 1;
    }
    const validator = new ManifestValidator({ crdDirectory });
    const { files, waivers } = synthesizeEnvironments(outdir, environments, (app, environment) => dvmmChart(app, environment, realm), { validator });
    for (const w of waivers) log(`waived: ${w.environment}: ${w.object}: [${w.rule}] ${w.reason}`);
    log(`wrote ${files.length} files for ${environments.length} environments to ${outdir}: ${files.join(', ')}`);
    return 0;
  } catch (e) {
    if (e instanceof EnvironmentFileError || e instanceof SynthesisError) {
      log(`error: ${e.message}`);
      log(`nothing was written; ${outdir} is unchanged`);
      return 1;
    }
    throw e;
  }
}

if (require.main === module) {
  process.exitCode = main();
}
