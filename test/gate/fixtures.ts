import * as path from 'path';
import { formatFinding, Manifest, ManifestSet, ManifestValidator, ValidationReport } from '../../lib/gate';
import { readCrdFolder } from '../../lib/program/crd-files';

/** The project's copy of the upstream CRDs (`crds/`). */
export const CRD_DIRECTORY = path.join(__dirname, '..', '..', 'crds');

/** One validator per test file: schemas compile once, as in the synth program. */
let shared: ManifestValidator | undefined;
export function validator(): ManifestValidator {
  shared ??= new ManifestValidator({ crds: readCrdFolder(CRD_DIRECTORY) });
  return shared;
}

/** Validates `objects` as one environment (critical `production` unless told otherwise). */
export function validateObjects(objects: Manifest[], set: Partial<ManifestSet> = {}): ValidationReport {
  return validator().validate([{ environment: 'production', critical: true, objects, ...set }]);
}

/** The formatted findings of `objects`, the way the synth program prints them. */
export function findings(objects: Manifest[], set: Partial<ManifestSet> = {}): string[] {
  return validateObjects(objects, set).findings.map(formatFinding);
}

/** The findings of one rule only. */
export function findingsOf(rule: string, objects: Manifest[], set: Partial<ManifestSet> = {}): string[] {
  return validateObjects(objects, set)
    .findings.filter((f) => f.rule === rule)
    .map(formatFinding);
}

export const NS = 'shop-production';
export const REGISTRY = 'registry.eaf.example.com/';

/** A restricted container that passes every rule. */
export function container(name = 'api', overrides: Record<string, any> = {}): Record<string, any> {
  return {
    name,
    image: `${REGISTRY}shop/${name}:1.4.2`,
    ports: [{ name: 'http', containerPort: 8080 }],
    livenessProbe: { httpGet: { path: '/health/live', port: 8080 } },
    readinessProbe: { httpGet: { path: '/health/ready', port: 8080 } },
    resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    ...overrides,
  };
}

/** A pod spec with one restricted container and a writable /tmp. */
export function podSpec(overrides: Record<string, any> = {}): Record<string, any> {
  return {
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [container()],
    volumes: [{ name: 'tmp', emptyDir: {} }],
    ...overrides,
  };
}

/** A Deployment that passes every rule (with {@link companions}). */
export function deployment(
  name = 'api',
  overrides: { replicas?: number; labels?: Record<string, string>; spec?: Record<string, any>; annotations?: Record<string, string> } = {},
): Manifest {
  const labels = overrides.labels ?? { 'app.kubernetes.io/name': name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS, ...(overrides.annotations ? { annotations: overrides.annotations } : {}) },
    spec: {
      replicas: 'replicas' in overrides ? overrides.replicas : 3,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: podSpec(overrides.spec) },
    },
  };
}

/** The Service, PodDisruptionBudget and NetworkPolicy a compliant workload comes with. */
export function companions(name = 'api', labels: Record<string, string> = { 'app.kubernetes.io/name': name }): Manifest[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: NS },
      spec: { selector: labels, ports: [{ name: 'http', port: 8080, targetPort: 8080 }] },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name, namespace: NS },
      spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace: NS },
      spec: { podSelector: { matchLabels: labels }, policyTypes: ['Ingress'] },
    },
  ];
}

/** A compliant workload: Deployment plus companions. */
export function workload(name = 'api', overrides: Parameters<typeof deployment>[1] = {}): Manifest[] {
  return [deployment(name, overrides), ...companions(name, overrides.labels)];
}

/** A deep copy to mutate in a test. */
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}
