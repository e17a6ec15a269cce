import * as fs from 'fs';
import { ClusterTarget, OPENSHIFT_KUBERNETES, SCHEMA_MINORS } from '../core/cluster-version';
import { describeValue } from '../core/errors';
import { InputError, UsageError } from './commands/command';

/**
 * The target record: synth writes `<outdir>/<environment>.target.json` beside each environment's folder (never inside:
 * Argo CD applies every file there), naming the cluster the environment targets, so that `eaf-cdk8s validate <outdir>`
 * checks each folder against the schemas it was built for. One authority for its name, its shape and how it is read.
 */

/** The suffix of a target record: `dist/production` → `dist/production.target.json`. */
export const TARGET_RECORD_SUFFIX = '.target.json';

/** The text of one environment's target record. */
export function targetRecordText(environment: string, target: ClusterTarget): string {
  return `${JSON.stringify({ environment, ...target }, null, 2)}\n`;
}

/** The target the record beside an environment folder names (`<folder>.target.json`); undefined when there is none. */
export function readTargetRecord(folder: string): { target: ClusterTarget; file: string } | undefined {
  const file = `${folder}${TARGET_RECORD_SUFFIX}`;
  if (!fs.existsSync(file)) return undefined;
  let record: unknown;
  try {
    record = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`${file}: is not JSON (${(e as Error).message}); run synth again to rewrite it, or delete it`);
  }
  const fields = record !== null && typeof record === 'object' ? (record as Record<string, unknown>) : {};
  const fail = (problem: string) => new InputError(`${file}: ${problem}; run synth again to rewrite it, or delete it`);
  return { target: checkedTarget(fields.kubernetes, fields.openshift, fail), file };
}

/**
 * A target from a Kubernetes minor or an OpenShift minor (its Kubernetes minor must match when both are given), checked
 * against the minors the gate holds schemas of; `fail` builds the error of a bad value.
 */
export function checkedTarget(kubernetes: unknown, openshift: unknown, fail: (problem: string) => Error): ClusterTarget {
  if (openshift !== undefined) {
    const minor = typeof openshift === 'string' ? OPENSHIFT_KUBERNETES[openshift] : undefined;
    if (minor === undefined)
      throw fail(`openshift: is not an OpenShift minor of ${Object.keys(OPENSHIFT_KUBERNETES).join(', ')} (got ${describeValue(openshift)})`);
    if (kubernetes !== undefined && kubernetes !== minor) {
      throw fail(`kubernetes: OpenShift ${openshift as string} ships Kubernetes ${minor} (got ${describeValue(kubernetes)})`);
    }
    return { kubernetes: minor, openshift: openshift as string };
  }
  if (typeof kubernetes !== 'string' || !SCHEMA_MINORS.includes(kubernetes)) {
    throw fail(`kubernetes: is not a Kubernetes minor of ${SCHEMA_MINORS.join(', ')} (got ${describeValue(kubernetes)})`);
  }
  return { kubernetes };
}

/**
 * The target of a command-line version: `1.34` (Kubernetes) or `openshift:4.21` (`kubernetes:1.34` also reads);
 * `option` names the option in the usage error.
 */
export function parseTargetOption(option: string, text: string): ClusterTarget {
  const [platform, version] = text.includes(':') ? text.split(':', 2) : ['kubernetes', text];
  const fail = (problem: string) => new UsageError(`${option}: ${problem.slice(problem.indexOf(': ') + 2)}; give e.g. 1.34 or openshift:4.21`);
  if (platform === 'openshift') return checkedTarget(undefined, version, fail);
  if (platform !== 'kubernetes')
    throw new UsageError(`${option}: names no platform kubernetes or openshift (got ${describeValue(text)}); give e.g. 1.34 or openshift:4.21`);
  return checkedTarget(version, undefined, fail);
}
