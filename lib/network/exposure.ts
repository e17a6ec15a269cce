import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as route from '../../imports/route-route.openshift.io';
import { propertyError } from '../core/errors';
import { DNS_NAME } from '../core/formats';
import { deepFreeze } from '../core/freeze';

/** Defaults of {@link Exposure}. Frozen: override through props. */
export const EXPOSURE_DEFAULTS = deepFreeze({
  /** A Route's TLS termination: at the router. */
  termination: 'edge',
} as const);

/** Expose through a Kubernetes Ingress whose certificate cert-manager issues. */
export interface IngressExposureOptions {
  readonly kind: 'ingress';
  /** The cert-manager ClusterIssuer that signs the host's certificate. */
  readonly clusterIssuer: string;
  /**
   * IngressClass of the controller.
   * @default - the cluster's default IngressClass
   */
  readonly className?: string;
}

/** Expose through an OpenShift Route terminated by the router. */
export interface RouteExposureOptions {
  readonly kind: 'route';
  /**
   * Where TLS ends: `edge` at the router, or `reencrypt` (router to pod over TLS again).
   * @default 'edge'
   */
  readonly termination?: 'edge' | 'reencrypt';
}

/** How an environment publishes its HTTP hosts. */
export type ExposureOptions = IngressExposureOptions | RouteExposureOptions;

/** A Service by name and port. */
export interface ServiceReference {
  /** Service name. */
  readonly name: string;
  /** Service port. */
  readonly port: number;
}

/** Props of {@link Exposure}. */
export interface ExposureProps {
  /** Name of the Ingress or Route. */
  readonly name: string;
  /** Public hostname, e.g. `dvmm.example.com`. */
  readonly host: string;
  /** The Service that receives the traffic. */
  readonly service: ServiceReference;
  /** Ingress or Route, and their settings. */
  readonly options: ExposureOptions;
}

/**
 * Publishes a Service on a hostname over TLS only: an Ingress with a cert-manager certificate,
 * or an OpenShift Route (edge or reencrypt) that redirects HTTP to HTTPS.
 */
export class Exposure extends Construct {
  /** The hostname. */
  public readonly host: string;
  /** `https://<host>`. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: ExposureProps) {
    super(scope, id);
    if (!DNS_NAME.test(props.host)) {
      throw propertyError(this, 'host', 'is not a valid DNS name', props.host, DNS_NAME.fix);
    }
    this.host = props.host;
    this.url = `https://${props.host}`;
    if (props.options.kind === 'ingress') {
      new kplus.k8s.KubeIngress(this, 'Resource', {
        metadata: {
          name: props.name,
          annotations: { 'cert-manager.io/cluster-issuer': props.options.clusterIssuer },
        },
        spec: {
          ingressClassName: props.options.className,
          tls: [{ hosts: [props.host], secretName: `${props.name}-tls` }],
          rules: [
            {
              host: props.host,
              http: {
                paths: [
                  {
                    path: '/',
                    pathType: 'Prefix',
                    backend: { service: { name: props.service.name, port: { number: props.service.port } } },
                  },
                ],
              },
            },
          ],
        },
      });
    } else {
      const termination = props.options.termination ?? EXPOSURE_DEFAULTS.termination;
      new route.Route(this, 'Resource', {
        metadata: { name: props.name },
        spec: {
          host: props.host,
          to: { kind: route.RouteSpecToKind.SERVICE, name: props.service.name, weight: 100 },
          port: { targetPort: 'http' },
          tls: {
            termination: termination === 'edge' ? route.RouteSpecTlsTermination.EDGE : route.RouteSpecTlsTermination.REENCRYPT,
            insecureEdgeTerminationPolicy: route.RouteSpecTlsInsecureEdgeTerminationPolicy.REDIRECT,
          },
        },
      });
    }
  }
}
