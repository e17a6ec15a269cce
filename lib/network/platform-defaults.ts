import { deepFreeze } from '../core/freeze';
import type { NamespacePeer, NetworkPlatform, NetworkPort } from './network-policies';

// Where the platform's own pods live, by platform: the defaults of NetworkPoliciesProps' dns, ingressController and monitoring.

export const PLATFORM_DNS: Record<NetworkPlatform, NamespacePeer & { ports: NetworkPort[] }> = deepFreeze({
  kubernetes: {
    namespaceSelector: { 'kubernetes.io/metadata.name': 'kube-system' },
    podSelector: { 'k8s-app': 'kube-dns' },
    ports: [
      { port: 53, protocol: 'UDP' },
      { port: 53, protocol: 'TCP' },
    ],
  },
  openshift: {
    namespaceSelector: { 'kubernetes.io/metadata.name': 'openshift-dns' },
    ports: [
      { port: 5353, protocol: 'UDP' },
      { port: 5353, protocol: 'TCP' },
    ],
  },
});

export const PLATFORM_INGRESS: Record<NetworkPlatform, NamespacePeer> = deepFreeze({
  kubernetes: { namespaceSelector: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
  openshift: { namespaceSelector: { 'policy-group.network.openshift.io/ingress': '' } },
});

export const PLATFORM_MONITORING: Record<NetworkPlatform, NamespacePeer> = deepFreeze({
  kubernetes: { namespaceSelector: { 'kubernetes.io/metadata.name': 'monitoring' } },
  openshift: { namespaceSelector: { 'network.openshift.io/policy-group': 'monitoring' } },
});
