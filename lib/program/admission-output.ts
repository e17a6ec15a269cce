import { admissionPolicies, Manifest } from '../gate';
import { EnvironmentConfig } from '../product/settings';
import { stringifyManifests } from './yaml-output';

/**
 * The admission policies synth writes beside each environment's folder (`<outdir>/<environment>.admission.yaml`), never
 * inside it: they are cluster-scoped, and the product's Argo CD project may create nothing cluster-scoped, so the platform
 * applies them (docs/gate.md, "Admission"). `admission: false` in the environment file writes none.
 */
export const ADMISSION_SUFFIX = '.admission.yaml';

/** The text of an environment's admission policies, or `undefined` when it opts out or has no namespace. */
export function admissionText(environment: EnvironmentConfig, objects: readonly Manifest[]): string | undefined {
  if (environment.admission === false) return undefined;
  const namespaces = new Set<string>();
  for (const object of objects) {
    if (object.kind === 'Namespace' && typeof object.metadata?.name === 'string') namespaces.add(object.metadata.name);
    if (typeof object.metadata?.namespace === 'string') namespaces.add(object.metadata.namespace);
  }
  if (namespaces.size === 0) return undefined;
  // The shortest namespace (the product's own, not a drill's `<namespace>-<database>-drill`) names the policies.
  const [name] = [...namespaces].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  return stringifyManifests(
    admissionPolicies({
      name,
      namespaces: [...namespaces],
      critical: environment.critical ?? false,
      exposedServices: environment.network?.exposedServices ?? [],
      allowedRegistries: environment.registries,
    }),
  );
}
