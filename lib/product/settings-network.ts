import { Type } from '@sinclair/typebox';
import { CIDR, DNS_LABEL, DNS_NAME } from '../core/formats';
import { HOST_FIX } from '../network/egress-firewall';
import { discriminated, formatted, oneOf, optional, Port, strict } from './settings-schema';

/** Addresses outside the cluster, by CIDR and port. */
export const EndpointSettings = strict(
  {
    cidrs: Type.Array(formatted(CIDR), { minItems: 1 }),
    ports: Type.Array(Port, { minItems: 1 }),
  },
  'give cidrs and ports',
);

/** A host outside the cluster, by name, without wildcard (see {@link HOST_FIX}). */
const EgressHost = formatted(DNS_NAME, HOST_FIX);

/**
 * A named egress outside the cluster, from some of the product's components: to CIDRs, to host names (OpenShift only:
 * an EgressFirewall narrows it), or both, on the same ports.
 */
export const EgressSettings = strict(
  {
    from: Type.Array(Type.String(), { minItems: 1, description: 'name the components that call it' }),
    cidrs: optional(EndpointSettings.properties.cidrs),
    hosts: optional(Type.Array(EgressHost, { minItems: 1, uniqueItems: true, description: 'list host names such as api.example.com' })),
    ports: EndpointSettings.properties.ports,
  },
  'give from, ports, and cidrs or hosts (or both)',
);

/** Network isolation settings of one environment. */
export const NetworkSettings = strict({
  platform: optional(oneOf(['kubernetes', 'openshift'], 'use kubernetes or openshift')),
  apiServer: optional(EndpointSettings),
  objectStore: optional(EndpointSettings),
  databaseOperatorNamespace: optional(formatted(DNS_LABEL, 'use the namespace name, e.g. openshift-operators')),
  exposedServices: optional(
    Type.Array(formatted(DNS_LABEL, 'use the name of a Service of the environment, e.g. mqtt'), {
      minItems: 1,
      uniqueItems: true,
      description: 'list the Services reachable from outside the cluster as LoadBalancer, NodePort or by externalIPs, by name',
    }),
  ),
});

/** Ingress (cert-manager) or OpenShift Route. */
export const ExposureSettings = discriminated(
  'kind',
  [
    strict(
      {
        kind: Type.Literal('ingress'),
        clusterIssuer: Type.String({ minLength: 1, description: 'name the cert-manager ClusterIssuer' }),
        className: optional(Type.String({ minLength: 1, description: 'name the IngressClass' })),
      },
      'an ingress exposure takes clusterIssuer and optionally className',
    ),
    strict(
      {
        kind: Type.Literal('route'),
        termination: optional(oneOf(['edge', 'reencrypt'], 'use edge or reencrypt')),
      },
      'a route exposure takes termination (edge or reencrypt)',
    ),
  ],
  'use ingress (Kubernetes) or route (OpenShift)',
);
