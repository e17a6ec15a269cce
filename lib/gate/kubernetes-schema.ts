import type { Yaml } from './finding';
/** The Kubernetes release whose OpenAPI document the vendored schemas (`kubernetes-schema.json`) come from. */
export const KUBERNETES_VERSION = 'v1.28.15';

/**
 * The vendored bundle (`kubernetes-schema.json`, written by `scripts/generate-kubernetes-schema.ts`): every kind's
 * definition name and the definitions they reach.
 */
export interface KubernetesSchemaBundle {
  /** Kubernetes release, e.g. `v1.28.15`. */
  readonly kubernetesVersion: string;
  /** Where the definitions come from. */
  readonly source: string;
  /** `apiVersion` → `kind` → definition name, e.g. `apps/v1` → `Deployment` → `io.k8s.api.apps.v1.Deployment`. */
  readonly kinds: Record<string, Record<string, string>>;
  /** JSON schemas by definition name; references are `#/definitions/<name>`. */
  readonly definitions: Record<string, Yaml>;
}
