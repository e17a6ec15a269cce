import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/** A key of a Secret, referenced by name; the value never appears in the manifests. */
export interface SecretKeyReference {
  /** Name of the Secret in the workload's namespace. */
  readonly secretName: string;
  /** Key inside the Secret. */
  readonly key: string;
}

/** Where an environment variable's value comes from: a plain value, or a Secret key by reference. */
export type EnvSource = { readonly value: string } | { readonly secret: SecretKeyReference };

/** An environment variable read from a Secret key, with the Secret referenced by name only. */
export function secretEnvValue(scope: Construct, ref: SecretKeyReference): kplus.EnvValue {
  const id = `SecretRef-${ref.secretName}-${ref.key}`;
  const secret = (scope.node.tryFindChild(id) as kplus.ISecret | undefined) ?? kplus.Secret.fromSecretName(scope, id, ref.secretName);
  return kplus.EnvValue.fromSecretValue({ secret, key: ref.key });
}

/** The cdk8s-plus value of an {@link EnvSource}. */
export function envValue(scope: Construct, source: EnvSource): kplus.EnvValue {
  return 'secret' in source ? secretEnvValue(scope, source.secret) : kplus.EnvValue.fromValue(source.value);
}
