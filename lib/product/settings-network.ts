import { Type } from '@sinclair/typebox';
import { CIDR, DNS_LABEL } from '../core/formats';
import { discriminated, formatted, oneOf, optional, Port, strict } from './settings-schema';

/** Addresses outside the cluster, by CIDR and port. */
export const EndpointSettings = strict(
  {
    cidrs: Type.Array(formatted(CIDR), { minItems: 1 }),
    ports: Type.Array(Port, { minItems: 1 }),
  },
  'give cidrs and ports',
);

/** A named egress to addresses outside the cluster, from some of the product's components. */
export const EgressSettings = strict(
  {
    from: Type.Array(Type.String(), { minItems: 1, description: 'name the components that call it' }),
    cidrs: EndpointSettings.properties.cidrs,
    ports: EndpointSettings.properties.ports,
  },
  'give from, cidrs and ports',
);

/** Network isolation settings of one environment. */
export const NetworkSettings = strict({
  platform: optional(oneOf(['kubernetes', 'openshift'], 'use kubernetes or openshift')),
  apiServer: optional(EndpointSettings),
  objectStore: optional(EndpointSettings),
  databaseOperatorNamespace: optional(formatted(DNS_LABEL, 'use the namespace name, e.g. openshift-operators')),
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
