// The rules on what is exposed outside the cluster: host names and TLS of Ingresses and Routes.
import { DNS_NAME } from '../../core/formats';
import { fieldPath } from '../finding';
import { RawFinding, RuleCheck } from '../rule-context';
import { asArray, isMap } from '../workloads';

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Whether `host` is a valid DNS name for an Ingress (`wildcard`: may start with `*.`) or a Route. */
export function isHostname(host: string, wildcard: boolean): boolean {
  const name = wildcard && host.startsWith('*.') ? host.slice(2) : host;
  return DNS_NAME.test(name) && !IPV4.test(name);
}

const HOSTNAME_FIX = 'use lower-case labels of letters, digits and hyphens, at most 63 characters each, e.g. app.example.com';

export const dnsHostname: RuleCheck = (ctx) => {
  const out: RawFinding[] = [];
  const check = (index: number, path: Array<string | number>, host: unknown, wildcard: boolean) => {
    if (typeof host === 'string' && !isHostname(host, wildcard)) {
      out.push({ index, rule: 'dns-hostname', message: `${fieldPath(path)}: is not a valid DNS name`, value: host, fix: HOSTNAME_FIX });
    }
  };
  const objects = [...ctx.objectsOf('networking.k8s.io', 'Ingress'), ...ctx.objectsOf('route.openshift.io', 'Route')].sort(
    (a, b) => a.index - b.index,
  );
  for (const { object, index } of objects) {
    if (object.kind === 'Route') {
      check(index, ['spec', 'host'], object.spec?.host, false);
      continue;
    }
    asArray(object.spec?.rules).forEach((rule, i) => check(index, ['spec', 'rules', i, 'host'], rule?.host, true));
    asArray(object.spec?.tls).forEach((tls, i) => asArray(tls?.hosts).forEach((host, j) => check(index, ['spec', 'tls', i, 'hosts', j], host, true)));
  }
  return out;
};

function tlsCovers(tlsHost: unknown, host: string): boolean {
  if (typeof tlsHost !== 'string') return false;
  if (tlsHost === host) return true;
  return tlsHost.startsWith('*.') && host.endsWith(tlsHost.slice(1)) && host.split('.').length === tlsHost.split('.').length;
}

/** Each Ingress serves TLS for every host of its rules. */
const ingressTls: RuleCheck = (ctx) =>
  ctx.objectsOf('networking.k8s.io', 'Ingress').flatMap(({ object, index }): RawFinding[] => {
    const tls = asArray(object.spec?.tls);
    const hosts = asArray(object.spec?.rules).map((r) => r?.host);
    if (tls.length === 0) {
      return [
        {
          index,
          rule: 'tls-required',
          message: 'spec.tls: is required: without it the Ingress serves plain HTTP',
          value: undefined,
          fix:
            `add spec.tls with a secretName and the hosts ${hosts.filter((h) => typeof h === 'string').join(', ') || 'of the rules'} ` +
            '(cert-manager issues the certificate)',
        },
      ];
    }
    return hosts.flatMap((host, i): RawFinding[] =>
      typeof host !== 'string' || tls.some((t) => asArray(t?.hosts).some((h) => tlsCovers(h, host)))
        ? []
        : [
            {
              index,
              rule: 'tls-required',
              message: `spec.rules[${i}].host: is not covered by any spec.tls[].hosts`,
              value: host,
              fix: `add ${host} to the hosts of a spec.tls entry`,
            },
          ],
    );
  });

/** Each Route terminates TLS and redirects plain HTTP. */
const routeTls: RuleCheck = (ctx) =>
  ctx.objectsOf('route.openshift.io', 'Route').flatMap(({ object, index }): RawFinding[] => {
    const tls = object.spec?.tls;
    if (!isMap(tls)) {
      return [
        {
          index,
          rule: 'tls-required',
          message: 'spec.tls: is required: without it the Route serves plain HTTP',
          value: tls,
          fix: 'set spec.tls.termination to edge, reencrypt or passthrough and spec.tls.insecureEdgeTerminationPolicy to Redirect',
        },
      ];
    }
    const out: RawFinding[] = [];
    if (tls.termination === undefined)
      out.push({
        index,
        rule: 'tls-required',
        message: 'spec.tls.termination: is required',
        value: undefined,
        fix: 'set spec.tls.termination to edge, reencrypt or passthrough',
      });
    if (tls.insecureEdgeTerminationPolicy === 'Allow') {
      out.push({
        index,
        rule: 'tls-required',
        message: 'spec.tls.insecureEdgeTerminationPolicy: must be Redirect or None, not Allow (Allow serves plain HTTP too)',
        value: 'Allow',
        fix: 'set spec.tls.insecureEdgeTerminationPolicy to Redirect',
      });
    }
    return out;
  });

export const tlsRequired: RuleCheck = (ctx) => [...ingressTls(ctx), ...routeTls(ctx)];
