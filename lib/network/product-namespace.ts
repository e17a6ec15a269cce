import { JsonPatch, ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PropertyError } from '../core/errors';
import { DNS_LABEL, systemNamespaceProblem } from '../core/formats';
import { deepFreeze } from '../core/freeze';
import { RESERVED_NAMESPACES_CONTEXT } from '../core/labels';

/** Defaults of {@link ProductNamespace}. Frozen: override through props. */
export const PRODUCT_NAMESPACE_DEFAULTS = deepFreeze({
  /** The Pod Security Standard level: `restricted`, what every EAF workload meets. */
  podSecurity: 'restricted',
} as const);

/** Props of {@link ProductNamespace}. */
export interface ProductNamespaceProps {
  /** Namespace name, e.g. `dvmm-production`. */
  readonly name: string;
  /**
   * Pod Security Standard level enforced, audited and warned about.
   * @default 'restricted'
   */
  readonly podSecurity?: 'restricted' | 'baseline';
  /**
   * Namespaces the platform reserves, refused beside the system ones (`default`, `kube-*`, `openshift*`).
   * @default - the `@eaf/cdk8s:reservedNamespaces` context, else none
   */
  readonly reservedNamespaces?: readonly string[];
}

/** The namespace of one product in one environment, labelled for Pod Security admission. */
export class ProductNamespace extends Construct {
  /** Namespace name. */
  public readonly name: string;
  /** The enforced Pod Security level. */
  public readonly podSecurity: string;

  constructor(scope: Construct, id: string, props: ProductNamespaceProps) {
    super(scope, id);
    this.name = props.name;
    const reserved = props.reservedNamespaces ?? (this.node.tryGetContext(RESERVED_NAMESPACES_CONTEXT) as string[] | undefined) ?? [];
    const problem = DNS_LABEL.test(props.name) ? systemNamespaceProblem(props.name, reserved) : { problem: 'is not a DNS label', fix: DNS_LABEL.fix };
    if (problem) throw new PropertyError(this, 'name', problem.problem, props.name, problem.fix);
    this.podSecurity = props.podSecurity ?? PRODUCT_NAMESPACE_DEFAULTS.podSecurity;
    const labels: Record<string, string> = {};
    for (const mode of ['enforce', 'audit', 'warn']) {
      labels[`pod-security.kubernetes.io/${mode}`] = this.podSecurity;
      labels[`pod-security.kubernetes.io/${mode}-version`] = 'latest';
    }
    const namespace = new kplus.Namespace(this, 'Resource', { metadata: { name: props.name, labels } });
    // A Namespace is cluster-scoped: drop the namespace the chart stamps on every object.
    ApiObject.of(namespace).addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
}
