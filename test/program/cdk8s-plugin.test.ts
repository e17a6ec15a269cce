import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Validation, ValidationContext as CliContext } from 'cdk8s-cli/lib/plugins/validation';
import { stringify } from 'yaml';
import { EafGateValidation } from '../../lib/program/cdk8s-plugin';

/**
 * The gate as a cdk8s validation plugin, driven with the cdk8s CLI's own context and report classes (loaded by path:
 * the package's exports map hides them), so the contract is the CLI's, not a stand-in's. The real `cdk8s synth` runs
 * it in test/processes/cdk8s-plugin.test.ts.
 */
const REPO = path.join(__dirname, '..', '..');
const { ValidationContext } = require(path.join(REPO, 'node_modules', 'cdk8s-cli', 'lib', 'plugins', 'validation.js')) as {
  ValidationContext: typeof CliContext;
};

/** A Deployment the gate passes in a non-critical environment (beside {@link denyAll}). */
function deployment(name: string, environment: string | undefined, replicas: number): Record<string, unknown> {
  const labels = { app: name, ...(environment === undefined ? {} : { 'eaf.io/environment': environment }) };
  const container = {
    name,
    image: 'registry.eaf.example.com/shop/api:1.0.0',
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '100m', memory: '128Mi' } },
    readinessProbe: { httpGet: { path: '/', port: 8080 } },
    livenessProbe: { httpGet: { path: '/', port: 8080 } },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop', labels },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { automountServiceAccountToken: false, containers: [container] } },
    },
  };
}

/** A default-deny NetworkPolicy for every pod of the namespace, so network-policy-coverage passes. */
function denyAll(environment: string | undefined): Record<string, unknown> {
  const labels = environment === undefined ? {} : { 'eaf.io/environment': environment };
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'deny-all', namespace: 'shop', labels },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  };
}

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-plugin-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Writes each file's objects as a multi-document manifest; returns the paths, as the CLI hands them over. */
function manifests(files: Record<string, Array<Record<string, unknown>>>): string[] {
  return Object.entries(files).map(([name, objects]) => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, objects.map((o) => stringify(o)).join('---\n'));
    return file;
  });
}

describe('EafGateValidation', () => {
  test('reports each finding as a violation with its rule, object, field and fix, and fails the report', async () => {
    // GIVEN a production chart's file with a one-replica Deployment, and production named critical
    const files = manifests({ 'shop-production.k8s.yaml': [deployment('api', 'production', 1)] });
    const plugin: Validation = new EafGateValidation({ critical: ['production'] });
    const context = new ValidationContext(files, '@eaf/cdk8s', '0.2.0');
    const logged: string[] = [];
    context.logger.log = (line: string) => logged.push(line);
    // WHEN the CLI runs the plugin
    await plugin.validate(context);
    // THEN the report fails with the gate's findings: the rule, the object's id, the field, the fix
    const report = context.report.toJson();
    expect(report.summary.status).toBe('failure');
    expect(report.summary.metadata).toMatchObject({
      Environments: 'production (critical)',
      Objects: '1',
      Findings: String(report.violations.length),
    });
    const replicas = report.violations.find((v) => v.violatingConstructs[0].locations[0] === 'spec.replicas')!;
    expect(replicas).toEqual({
      ruleName: 'production-replicas',
      recommendation: 'production: Deployment/shop/api: spec.replicas: must be at least 2 in a critical environment (got 1)',
      fix: 'set spec.replicas to 2 or more, or scale it with a HorizontalPodAutoscaler whose minReplicas is at least 2',
      violatingConstructs: [{ resourceName: 'Deployment/shop/api', locations: ['spec.replicas'], manifestPath: files[0], constructPath: undefined }],
    });
    // AND the log has the gate's one-line form of each finding, as `eaf-cdk8s validate` prints it
    expect(logged).toContain(
      'production: Deployment/shop/api: [production-replicas] spec.replicas: must be at least 2 in a critical environment (got 1); ' +
        'fix: set spec.replicas to 2 or more, or scale it with a HorizontalPodAutoscaler whose minReplicas is at least 2',
    );
  });

  test('groups objects by their eaf.io/environment label, else by file, and applies the production rules to the named ones only', async () => {
    // GIVEN one file holding two environments' objects (labelled) and a file of unlabelled objects
    const files = manifests({
      'all.k8s.yaml': [deployment('api', 'dev', 1), denyAll('dev'), deployment('web', 'staging', 1), denyAll('staging')],
      'extra.k8s.yaml': [deployment('tool', undefined, 1), denyAll(undefined)],
    });
    const context = new ValidationContext(files, '@eaf/cdk8s', '0.2.0');
    context.logger.log = () => undefined;
    // WHEN the plugin runs with only production critical
    await new EafGateValidation({ critical: ['production'] }).validate(context);
    // THEN three non-critical environments pass: dev and staging by label, extra by its file's name
    const report = context.report.toJson();
    expect(report.summary.metadata).toMatchObject({ Environments: 'dev, staging, extra', Objects: '6' });
    expect(report.violations).toEqual([]);
    expect(report.summary.status).toBe('success');
  });

  test('critical: true applies the production rules to every environment', async () => {
    // GIVEN a dev Deployment with one replica
    const files = manifests({ 'dev.k8s.yaml': [deployment('api', 'dev', 1), denyAll('dev')] });
    const context = new ValidationContext(files, '@eaf/cdk8s', '0.2.0');
    context.logger.log = () => undefined;
    // WHEN every environment is critical
    await new EafGateValidation({ critical: true }).validate(context);
    // THEN dev fails production-replicas (one replica, no PodDisruptionBudget)
    expect(context.report.toJson().violations.map((v) => v.ruleName)).toEqual(['production-replicas', 'production-replicas']);
  });

  test('checks against the cluster the properties name', () => {
    // GIVEN / WHEN an OpenShift minor, and nothing
    // THEN the target is that minor's Kubernetes, else the default
    expect(new EafGateValidation({ openshift: '4.20' }).target).toEqual({ kubernetes: '1.33', openshift: '4.20' });
    expect(new EafGateValidation().target).toEqual({ kubernetes: '1.33' });
    expect(new EafGateValidation({ crds: 'my-crds' }).crdDirectory).toBe(path.resolve('my-crds'));
  });

  test('fails on a property it does not know, naming the known ones', () => {
    expect(() => new EafGateValidation({ critcal: true })).toThrow(
      'cdk8s.yaml: validations: EafGateValidation: properties.critcal: is not a property of the plugin; ' +
        'use one of: critical, registries, exposedServices, kubernetes, openshift, crds',
    );
  });

  test('fails on a property of the wrong shape', () => {
    expect(() => new EafGateValidation({ critical: 'production' })).toThrow(
      'cdk8s.yaml: validations: EafGateValidation: properties.critical: must be true, or the names of the critical environments (got "production")',
    );
    expect(() => new EafGateValidation({ registries: 'registry.eaf.example.com/' })).toThrow(
      'cdk8s.yaml: validations: EafGateValidation: properties.registries: must be a list of image prefixes (got "registry.eaf.example.com/")',
    );
    expect(() => new EafGateValidation({ kubernetes: '1.2' })).toThrow(
      'cdk8s.yaml: validations: EafGateValidation: properties.kubernetes: is not a Kubernetes minor of ' +
        '1.29, 1.30, 1.31, 1.32, 1.33, 1.34, 1.35, 1.36, 1.37 (got "1.2")',
    );
  });
});
