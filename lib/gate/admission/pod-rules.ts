// The pod rules as CEL: what the gate's checks in checks/access.ts, checks/containers.ts and checks/pod-security.ts
// require of a pod template, for the same workload kinds, said again for the API server.
import {
  RESTRICTED_VOLUMES,
  SAFE_SYSCTLS,
  SECCOMP_ALLOWED as GATE_SECCOMP_ALLOWED,
  SELINUX_TYPES as GATE_SELINUX_TYPES,
} from '../checks/pod-security';
import { AdmissionRule, AdmissionCheck, hasPath, isSet, list, POD_VARIABLES, WORKLOAD_RESOURCES } from './cel';

const POD = 'variables.pod';
/** The pod's security context field at `path` is set to `value`. */
const podSc = (path: string, value: string) => isSet(POD, `securityContext.${path}`, value);
/** The container `c`'s security context field at `path` is set to `value`. */
const sc = (path: string, value: string) => isSet('c', `securityContext.${path}`, value);
/** The container `c` sets the security context field at `path` (any value). */
const scHas = (path: string) => hasPath('c', `securityContext.${path}`);

// The lists of the gate's own check (checks/pod-security.ts), as CEL list literals where an expression tests membership.
const SECCOMP_ALLOWED = list(GATE_SECCOMP_ALLOWED);
const SELINUX_TYPES = list(GATE_SELINUX_TYPES);

/** No root UID, no Windows host process, only the container SELinux types, of one security context (`x`). */
function commonContext(x: string): string {
  return (
    `!${isSet(x, 'runAsUser', '0')} && !${isSet(x, 'windowsOptions.hostProcess', 'true')} && ` +
    `(!has(${x}.seLinuxOptions) || ((!has(${x}.seLinuxOptions.type) || ${x}.seLinuxOptions.type in ${SELINUX_TYPES}) && ` +
    `(!has(${x}.seLinuxOptions.user) || ${x}.seLinuxOptions.user == '') && (!has(${x}.seLinuxOptions.role) || ${x}.seLinuxOptions.role == '')))`
  );
}

const PSS_FIX = 'set the securityContext fields the restricted Pod Security Standard requires; the EAF workload constructs do this by default';

const pssChecks: AdmissionCheck[] = [
  {
    expression: `!${isSet(POD, 'hostNetwork', 'true')} && !${isSet(POD, 'hostPID', 'true')} && !${isSet(POD, 'hostIPC', 'true')}`,
    problem: "hostNetwork, hostPID and hostIPC must be false or unset: pods must not share the node's namespaces",
    fix: 'remove hostNetwork, hostPID and hostIPC',
  },
  {
    expression: `!has(${POD}.volumes) || ${POD}.volumes.all(v, ${RESTRICTED_VOLUMES.map((t) => `has(v.${t})`).join(' || ')})`,
    problem: `only volumes of the types ${RESTRICTED_VOLUMES.join(', ')} are allowed`,
    fix: 'replace the volume (a hostPath, say) by one of the allowed types',
  },
  {
    expression:
      `!has(${POD}.securityContext) || !has(${POD}.securityContext.sysctls) || ` +
      `${POD}.securityContext.sysctls.all(s, s.name in ${list(SAFE_SYSCTLS)})`,
    problem: 'only safe sysctls are allowed',
    fix: `remove the sysctl; allowed are ${SAFE_SYSCTLS.join(', ')}`,
  },
  {
    expression:
      `!has(${POD}.securityContext) || (!${podSc('runAsNonRoot', 'false')} && (!${hasPath(POD, 'securityContext.seccompProfile.type')} || ` +
      `${POD}.securityContext.seccompProfile.type in ${SECCOMP_ALLOWED}) && ${commonContext(`${POD}.securityContext`)})`,
    problem:
      'the pod securityContext must not set runAsNonRoot false, runAsUser 0, a seccomp profile other than RuntimeDefault or Localhost, ' +
      'a host process or an SELinux type, user or role',
    fix: PSS_FIX,
  },
  {
    expression:
      `variables.allContainers.all(c, !${sc('privileged', 'true')} && ${sc('allowPrivilegeEscalation', 'false')} && ` +
      `${scHas('capabilities.drop')} && 'ALL' in c.securityContext.capabilities.drop && ` +
      `(!has(c.securityContext.capabilities.add) || c.securityContext.capabilities.add.all(a, a == 'NET_BIND_SERVICE')))`,
    problem:
      'every container must not be privileged, must set allowPrivilegeEscalation false and drop ALL capabilities (adding only NET_BIND_SERVICE)',
    fix: 'set securityContext.allowPrivilegeEscalation: false and capabilities.drop: [ALL] on every container, and remove privileged',
  },
  {
    expression:
      `variables.allContainers.all(c, (${scHas('runAsNonRoot')} ? c.securityContext.runAsNonRoot : ${podSc('runAsNonRoot', 'true')}) && ` +
      `(${scHas('seccompProfile.type')} ? c.securityContext.seccompProfile.type in ${SECCOMP_ALLOWED} : ` +
      `(${hasPath(POD, 'securityContext.seccompProfile.type')} && ${POD}.securityContext.seccompProfile.type in ${SECCOMP_ALLOWED})) && ` +
      `(!${scHas('procMount')} || c.securityContext.procMount == 'Default') && (!has(c.securityContext) || ${commonContext('c.securityContext')}))`,
    problem:
      "every container must run as non-root with a RuntimeDefault or Localhost seccomp profile (its own or the pod's), " +
      'the default procMount, no runAsUser 0, no host process and no SELinux type, user or role',
    fix: 'set runAsNonRoot: true and seccompProfile.type: RuntimeDefault in the pod securityContext, and remove the rest',
  },
  {
    expression: `variables.allContainers.all(c, !has(c.ports) || c.ports.all(p, !has(p.hostPort) || p.hostPort == 0))`,
    problem: 'no container may bind a node port (hostPort)',
    fix: 'remove the hostPort; expose the pod through a Service',
  },
];

/** An image passes: a well-formed digest, or a tag other than latest (in a critical environment a released version). */
function imagePinned(critical: boolean): string {
  const tagged = critical
    ? `c.image.matches(':v?[0-9]+[.][0-9]+[.][0-9]+(-[0-9A-Za-z][0-9A-Za-z.-]*)?$')`
    : `c.image.matches(':[^/:]*$') && !c.image.endsWith(':latest')`;
  return `variables.allContainers.all(c, !has(c.image) || (c.image.contains('@') ? c.image.matches('@sha256:[a-f0-9]{64}$') : ${tagged}))`;
}

const RESOURCES_SET =
  'variables.containers.all(c, has(c.resources) && has(c.resources.requests) && has(c.resources.limits) && ' +
  "['cpu', 'memory'].all(r, r in c.resources.requests && r in c.resources.limits))";
/** The account a pod runs as is one of its own: a name other than `default`. */
const OWN_ACCOUNT =
  `(has(${POD}.serviceAccountName) ? !(${POD}.serviceAccountName in ['', 'default']) : ` +
  `has(${POD}.serviceAccount) && !(${POD}.serviceAccount in ['', 'default']))`;

export const POD_RULES: readonly AdmissionRule[] = [
  {
    rule: 'pss-restricted',
    resources: WORKLOAD_RESOURCES,
    variables: POD_VARIABLES,
    checks: () => pssChecks,
    gateOnly: 'the gate alone checks the AppArmor annotations of the pod template (Pod Security admission checks them on the Pods)',
  },
  {
    rule: 'read-only-root-filesystem',
    resources: WORKLOAD_RESOURCES,
    variables: POD_VARIABLES,
    checks: () => [
      {
        expression: `variables.allContainers.all(c, ${sc('readOnlyRootFilesystem', 'true')})`,
        problem:
          "every container must set securityContext.readOnlyRootFilesystem: true, so a process that is broken into cannot change the image's files",
        fix: 'set securityContext.readOnlyRootFilesystem to true and mount an emptyDir where the image writes (e.g. /tmp)',
      },
    ],
    gateOnly: '',
  },
  {
    rule: 'service-account-token',
    resources: WORKLOAD_RESOURCES,
    variables: POD_VARIABLES,
    checks: () => [
      {
        expression: `${isSet(POD, 'automountServiceAccountToken', 'false')} || ${OWN_ACCOUNT}`,
        problem: "a pod that runs as the namespace's default ServiceAccount must set automountServiceAccountToken: false",
        fix: 'set automountServiceAccountToken to false, or run the pod as its own ServiceAccount bound by a RoleBinding to a least-privilege Role',
      },
    ],
    gateOnly:
      "simplified, as admission sees one object: a pod that runs as the namespace's default account must set " +
      'automountServiceAccountToken: false itself (stricter than the gate, which also accepts a `default` ServiceAccount of ' +
      'the manifests that sets it false), and a pod that runs as an account of its own passes (the gate alone checks that a ' +
      'RoleBinding of the manifests grants that account what it calls)',
  },
  {
    rule: 'resources-required',
    resources: WORKLOAD_RESOURCES,
    variables: POD_VARIABLES,
    checks: () => [
      {
        expression: RESOURCES_SET,
        problem: 'every container and init container must request and limit cpu and memory',
        fix: 'set resources.requests and resources.limits for cpu and memory',
      },
    ],
    // A limit below its request the API server refuses itself (pod template validation), before admission.
    gateOnly: '',
  },
  {
    rule: 'probes-required',
    // The long-running kinds of the gate's check (workloads.ts): a Job, a CronJob or a bare Pod runs to its end.
    resources: [
      { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets'] },
      { apiGroups: ['argoproj.io'], resources: ['rollouts'] },
    ],
    variables: POD_VARIABLES,
    checks: () => [
      {
        expression: `!has(${POD}.containers) || ${POD}.containers.all(c, has(c.livenessProbe) && has(c.readinessProbe))`,
        problem: 'every container of a long-running workload must have a livenessProbe and a readinessProbe',
        fix: 'add livenessProbe and readinessProbe (httpGet, tcpSocket, grpc or exec) to each container',
      },
    ],
    gateOnly: '',
  },
  {
    rule: 'image-tag-pinned',
    resources: WORKLOAD_RESOURCES,
    variables: POD_VARIABLES,
    checks: (environment) => [
      {
        expression: imagePinned(environment.critical),
        problem: environment.critical
          ? 'every image must be pinned to a released version (1.2.3) or a sha256 digest in a critical environment'
          : 'every image must name a tag other than latest, or a sha256 digest',
        fix: 'pin the image to a released version tag or a digest',
      },
    ],
    gateOnly:
      'the gate alone checks the images of operator-managed custom resources (a CloudNativePG Cluster, a Keycloak), whose ' +
      'kinds and fields it knows',
  },
  {
    rule: 'image-registry-allowed',
    resources: WORKLOAD_RESOURCES,
    variables: POD_VARIABLES,
    checks: ({ allowedRegistries }) =>
      allowedRegistries === undefined
        ? []
        : [
            {
              expression: `variables.allContainers.all(c, !has(c.image) || ${list(allowedRegistries)}.exists(p, c.image.startsWith(p)))`,
              problem: `every image must come from an allowed registry (${allowedRegistries.join(', ') || 'none'})`,
              fix: 'pull the image from an allowed registry (mirror it there first)',
            },
          ],
    gateOnly: 'the gate alone checks the images of operator-managed custom resources, as for image-tag-pinned',
  },
];
