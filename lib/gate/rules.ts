import { MIN_WAIVER_REASON, RuleId, WAIVER_PREFIX } from '../core/waivers';

/** The API server's limit on all annotations of an object together, in bytes. */
export const ANNOTATIONS_LIMIT = 262144;

/** The largest object the gate accepts, in bytes of JSON: ConfigMap and Secret data are limited to 1 MiB. */
export const OBJECT_LIMIT = 1048576;

export { MIN_WAIVER_REASON, WAIVER_PREFIX };
export type { RuleId };

/** A rule of the gate, for documentation (README) and for findings. */
export interface ValidationRule {
  /** Stable id, used in findings and in waiver annotations (`waive.eaf.io/<id>`). */
  readonly id: RuleId;
  /** What the rule requires. */
  readonly description: string;
  /** How to satisfy it in general; each finding carries its own, more precise fix. */
  readonly fix: string;
  /** Whether a `waive.eaf.io/<id>` annotation may switch it off for one object. */
  readonly waivable: boolean;
}

/** The rules, in the order findings of one object are reported. */
export const VALIDATION_RULES: readonly ValidationRule[] = [
  {
    id: 'schema-core',
    description:
      'Every built-in object matches the OpenAPI schema of its apiVersion and kind in the target Kubernetes minor of its environment, strictly ' +
      '(unknown fields are errors, as with kubectl --validate=strict), and has a valid name, labels and annotations.',
    fix: 'correct the field the finding names; `kubectl explain <kind>.<field>` shows the schema',
    waivable: false,
  },
  {
    id: 'schema-crd',
    description:
      'Every custom resource matches the openAPIV3Schema of a served version of its CustomResourceDefinition ' +
      'in the CRD folder, strictly (unknown fields are errors unless the schema preserves them). CEL rules ' +
      '(x-kubernetes-validations) are not evaluated.',
    fix: 'correct the field the finding names, or add the CRD version to the CRD folder',
    waivable: false,
  },
  {
    id: 'pss-restricted',
    description:
      'Every pod template meets the restricted Pod Security Standard: runAsNonRoot, no privilege escalation, ' +
      'all capabilities dropped (only NET_BIND_SERVICE added), RuntimeDefault or Localhost seccomp, nothing ' +
      'privileged, no host namespaces, ports or paths, only restricted volume types, safe sysctls, AppArmor ' +
      'and SELinux settings.',
    fix: 'set the securityContext fields the finding names; the EAF workload constructs do this by default',
    waivable: false,
  },
  {
    id: 'openshift-restricted-v2',
    description:
      'No pod template fixes runAsUser, runAsGroup, fsGroup or supplementalGroups: ' +
      "OpenShift's restricted-v2 SCC assigns them from the namespace's range.",
    fix: 'remove the fixed id; the image must run as an arbitrary non-root UID in group 0',
    waivable: true,
  },
  {
    id: 'read-only-root-filesystem',
    description:
      'Every container and init container of every pod template sets securityContext.readOnlyRootFilesystem: true, so a ' +
      "process that is broken into cannot change the image's files.",
    fix: 'set securityContext.readOnlyRootFilesystem to true and mount an emptyDir where the image writes (e.g. /tmp)',
    waivable: true,
  },
  {
    id: 'service-account-token',
    description:
      'No pod template mounts a service-account token (automountServiceAccountToken false on the pod, or on its ' +
      'ServiceAccount when the pod leaves it unset) unless it declares that it calls the API server: it runs as a ' +
      'ServiceAccount of its own that a RoleBinding of the same manifests grants what it calls.',
    fix: 'set automountServiceAccountToken to false, or run the pod as its own ServiceAccount bound by a RoleBinding to a least-privilege Role',
    waivable: false,
  },
  {
    id: 'resources-required',
    description: 'Every container and init container requests and limits cpu and memory, each limit at least its request.',
    fix: 'set resources.requests and resources.limits for cpu and memory',
    waivable: true,
  },
  {
    id: 'canonical-quantity',
    description:
      'Every quantity (each value of a resources requests or limits map, an emptyDir sizeLimit, a storage or walStorage ' +
      'size) is written as a string in the canonical form the API server stores (1000m as 1, 0.5 as 500m, 1024Mi as 1Gi, ' +
      '1.5Gi as 1536Mi): any other spelling is a standing diff in Argo CD, and a controller that writes the object back ' +
      '(Argo Rollouts) takes the field over, so a later server-side apply conflicts. Not waivable: the canonical form is ' +
      'the same value.',
    fix: 'write the canonical form the finding gives (the EAF product chart writes every quantity so)',
    waivable: false,
  },
  {
    id: 'probes-required',
    description:
      'Every container of a long-running workload (Deployment, StatefulSet, DaemonSet, Argo Rollout) has a ' +
      'liveness and a readiness probe. Jobs, CronJobs and init containers are exempt.',
    fix: 'add livenessProbe and readinessProbe to the container',
    waivable: true,
  },
  {
    id: 'image-tag-pinned',
    description:
      'Every image names a tag other than latest; in a critical environment a released version or an @sha256 ' +
      'digest: 1.2.3 or 1.2.3-rc1 for most images, <major>.<minor> (17.6) for PostgreSQL, whose releases are ' +
      'numbered that way.',
    fix: 'pin the image to a released version tag or a digest',
    waivable: true,
  },
  {
    id: 'image-registry-allowed',
    description: "Every image comes from one of the environment's allowed registries, when the environment lists them.",
    fix: 'pull the image from an allowed registry (mirror it there first)',
    waivable: true,
  },
  {
    id: 'production-replicas',
    description:
      'In a critical environment every Deployment, StatefulSet and Argo Rollout runs at least 2 replicas (or ' +
      'is scaled by a HorizontalPodAutoscaler with minReplicas >= 2) and a PodDisruptionBudget selects its ' +
      'pods. Exception: the idle colour of a blue-green release, a Deployment scaled to 0 whose pods a Service ' +
      'labelled `eaf.io/preview: "true"` selects, needs neither.',
    fix: 'raise replicas (or the autoscaler minReplicas) to 2 or more and add a PodDisruptionBudget',
    waivable: true,
  },
  {
    id: 'network-policy-coverage',
    description: 'Every pod template is selected by at least one NetworkPolicy of its namespace (an empty podSelector selects every pod).',
    fix: 'add a NetworkPolicy whose podSelector matches the pod labels',
    waivable: true,
  },
  {
    id: 'egress-internet',
    description:
      'In a critical environment no NetworkPolicy egress rule reaches every address (an empty `to`, or an ipBlock of ' +
      '::/0 or 0.0.0.0/0, however written), except 0.0.0.0/0 on named ports where the namespace has an OpenShift EgressFirewall ' +
      '`default` whose last rule denies 0.0.0.0/0 and which allows a host by name on each of those ports: a NetworkPolicy ' +
      'cannot name a host, so the firewall is what narrows that egress to the hosts. Named ipBlocks are judged by the ' +
      'addresses they reach (cidr minus except): the blocks of one policy, and those of all policies selecting one ' +
      "workload's pods, must not together cover the public internet (e.g. 0.0.0.0/1 + 128.0.0.0/1), and each block may " +
      'reach at most a /16 (IPv4) or /32 (IPv6) of public addresses (private, loopback, link-local, CGNAT, documentation ' +
      'and multicast space is not public).',
    fix:
      'name the addresses (egress cidrs, each at most a /16 of public space); on OpenShift name the hosts (egress hosts), ' +
      'which renders the EgressFirewall; or waive the rule',
    waivable: true,
  },
  {
    id: 'network-policy-allow-all',
    description:
      'No NetworkPolicy allows everything in or out: no rule without peers and ports (`{}`), either direction; no ' +
      'ingress rule without `from` (every source on its ports); no peer with an empty namespaceSelector and no or an empty ' +
      'podSelector (every pod of every namespace); no ingress ipBlocks that together admit every public address ' +
      '(0.0.0.0/0, ::/0, 0.0.0.0/1 + 128.0.0.0/1). A peer `podSelector: {}` alone (the own namespace) is allowed.',
    fix: 'name the peers (a podSelector or namespaceSelector with labels, or narrow ipBlocks) and the ports',
    waivable: true,
  },
  {
    id: 'no-secret-data',
    description:
      'No Secret carries data or stringData: secret values never go to git; they come from the cluster (Sealed Secrets, External Secrets).',
    fix: 'remove the Secret and reference one the cluster provides',
    waivable: true,
  },
  {
    id: 'secrets-in-plain-sight',
    description:
      'No private key, token or password in ConfigMap data or binaryData, in annotations of any object or pod template, ' +
      'or in a literal container env value, in every environment: a key name ending in password, passwd, pwd, ' +
      'passphrase, secret, token, apikey, api_key, private_key, access_key, secret_key, signing_key or encryption_key ' +
      '(case-insensitive, `_ - . /` or camelCase) with a literal value (not empty, not a `${...}`/`$(...)` reference), ' +
      'also as `key: value` / `key=value` lines in a ConfigMap file; or content that is a PEM private key block, a ' +
      'JSON Web Token (header of JSON with alg), or a random-looking string (at least 32 characters of mixed case and ' +
      'digits, not hex, Shannon entropy at least 4.2 bits per character). Findings never show the value.',
    fix:
      'keep the value in a Secret the cluster provides (Sealed Secrets, External Secrets) and reference it by name: ' +
      'env valueFrom.secretKeyRef, envFrom.secretRef or a secret volume',
    waivable: true,
  },
  {
    id: 'service-selects-pods',
    description:
      'Every Service with a selector selects the pods of at least one workload of its namespace, and each targetPort ' +
      'is a port (number or name) those pods declare.',
    fix: 'make the Service selector a subset of the pod template labels and point targetPort at a declared container port',
    waivable: true,
  },
  {
    id: 'dns-hostname',
    description: 'Every Ingress rule and TLS host and every Route host is a valid lower-case DNS name (Ingress hosts may start with `*.`).',
    fix: 'use lower-case labels of letters, digits and hyphens, e.g. app.example.com',
    waivable: true,
  },
  {
    id: 'tls-required',
    description:
      'Every Ingress has a tls section covering all its hosts; every Route has spec.tls with a termination ' +
      'and an insecureEdgeTerminationPolicy other than Allow.',
    fix: 'add TLS: Ingress spec.tls[].hosts for every host; Route spec.tls.termination with insecureEdgeTerminationPolicy Redirect or None',
    waivable: true,
  },
  {
    id: 'service-exposure',
    description:
      'No Service is of type LoadBalancer or NodePort or has externalIPs, which reach it from outside the cluster past ' +
      'the Ingress or Route, unless the environment declares it by name (network.exposedServices).',
    fix: 'make the Service type ClusterIP and expose it through the Ingress or Route, or list it in network.exposedServices',
    waivable: false,
  },
  {
    id: 'rbac-least-privilege',
    description:
      'A product creates no ClusterRole or ClusterRoleBinding; no binding grants the ClusterRole cluster-admin, admin or ' +
      'edit; no Role rule has a wildcard (*) in apiGroups, resources or verbs, or the verbs escalate, bind or impersonate; ' +
      'a rule that allows use of SecurityContextConstraints names only restricted, restricted-v2, nonroot or nonroot-v2.',
    fix: 'grant only what the account calls, in a Role and RoleBinding of its namespace, naming API groups, resources and verbs',
    waivable: false,
  },
  {
    id: 'api-server-limits',
    description:
      `Every object passes what the API server checks beyond the OpenAPI schema: metadata.name a DNS subdomain ` +
      `(a DNS label for Namespaces and Services), label keys and values and annotation keys well-formed, annotations ` +
      `at most ${ANNOTATIONS_LIMIT} bytes, the object at most ${OBJECT_LIMIT} bytes.`,
    fix: 'shorten or correct the name, label or annotation; split an object that is too large',
    waivable: false,
  },
  {
    id: 'apply-size',
    description:
      `Every object is at most ${ANNOTATIONS_LIMIT} bytes as JSON: client-side apply (kubectl apply, oc apply, ` +
      `Argo CD's default) stores the whole object in the last-applied-configuration annotation, which the API ` +
      `server limits to that size.`,
    fix: 'split the object (e.g. one ConfigMap per realm), or apply it server-side and waive the rule with that reason',
    waivable: true,
  },
  {
    id: 'critical-sync-approval',
    description:
      'No Argo CD Application of a critical environment syncs automatically (spec.syncPolicy.automated): a ' +
      'change to real data waits for someone to approve the sync. An Application is of a critical environment ' +
      'when its eaf.io/environment label names one, or when the folder is checked as critical.',
    fix:
      'remove spec.syncPolicy.automated (set delivery.sync: manual), or say why in delivery.autoSyncReason, ' +
      'which waives the rule for that Application',
    waivable: true,
  },
  {
    id: 'rollout-analysis-required',
    description:
      'In a critical environment every Argo Rollout analyses its new pods, and a failed analysis aborts the ' +
      'release: a blue-green Rollout has a prePromotionAnalysis (or a postPromotionAnalysis), a canary an analysis ' +
      'step or a background analysis; each names AnalysisTemplates of its namespace (or cluster templates).',
    fix:
      'reference an AnalysisTemplate from spec.strategy.blueGreen.prePromotionAnalysis or from an analysis ' +
      'step of spec.strategy.canary.steps (release.engine argo-rollouts does it), or waive the rule for the ' +
      'Rollout with the reason',
    waivable: true,
  },
  {
    id: 'waiver-invalid',
    description:
      `A waiver annotation (${WAIVER_PREFIX}<rule id>) names a waivable rule and gives a reason of at least ` + `${MIN_WAIVER_REASON} characters.`,
    fix: 'name a waivable rule id and say why the rule does not apply',
    waivable: false,
  },
  {
    id: 'waiver-unrecorded',
    description:
      `Every waiver annotation (${WAIVER_PREFIX}<rule id>) in a product's output is recorded in its environment file: an entry ` +
      "of the file's waivers with the same rule, object and reason, so every exception has a reviewed line. A waiver written " +
      'in code alone (waive()) is refused and waives nothing. Checked by synth; `eaf-cdk8s validate` (no environment file) ' +
      'lists each waiver as unrecorded, and refuses it with --strict.',
    fix: "add the entry the finding gives to the environment file's waivers, or remove the waive() call",
    waivable: false,
  },
];

const RULES_BY_ID = new Map(VALIDATION_RULES.map((r) => [r.id, r]));

/** The rule with this id, or `undefined`. */
export function findRule(id: string): ValidationRule | undefined {
  return RULES_BY_ID.get(id as RuleId);
}

/** The position of a rule in {@link VALIDATION_RULES}, for ordering findings. */
export function ruleOrder(id: RuleId): number {
  return VALIDATION_RULES.indexOf(RULES_BY_ID.get(id)!);
}
