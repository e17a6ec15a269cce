import { DNS_NAME_PATTERN, IMAGE_DIGEST_PATTERN, IMAGE_TAG_PATTERN } from './patterns';
import { QUANTITY_PATTERN } from './quantity';

/**
 * JSON schema of `environments/<name>.yaml`. Each `description` is the fix printed when a value
 * breaks that part of the schema, so keep it an instruction.
 */

const IMAGE_TAG = `^(${IMAGE_TAG_PATTERN.slice(1, -1)}|${IMAGE_DIGEST_PATTERN.slice(1, -1)})$`;
const IMAGE_REPOSITORY = '^[a-z0-9]+([._/:-][a-z0-9]+)*$';

const quantity = { type: 'string', pattern: QUANTITY_PATTERN, description: 'use a Kubernetes quantity such as 250m, 1, 512Mi or 1Gi' };
const quantities = {
  type: 'object',
  additionalProperties: false,
  properties: { cpu: quantity, memory: quantity, ephemeralStorage: quantity },
};
const tag = { type: 'string', pattern: IMAGE_TAG, description: 'use an image tag such as 1.4.2, or a digest sha256:<64 hex digits>' };
const host = { type: 'string', pattern: DNS_NAME_PATTERN, description: 'use a lower-case DNS name such as app.example.com' };
const replicas = { type: 'integer', minimum: 1, description: 'use a whole number of at least 1' };

const resources = {
  type: 'object',
  additionalProperties: false,
  properties: { requests: quantities, limits: quantities },
};

const database = {
  type: 'object',
  additionalProperties: false,
  properties: {
    instances: replicas,
    imageName: { type: 'string', pattern: '^[a-z0-9]+([._/:-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$', description: 'use an image with tag or digest, e.g. ghcr.io/cloudnative-pg/postgresql@sha256:<digest>' },
    storageSize: quantity,
    storageClass: { type: 'string', minLength: 1, description: 'name a StorageClass' },
    resources,
    backup: {
      type: 'object',
      additionalProperties: false,
      required: ['destinationPath', 'credentialsSecret'],
      properties: {
        destinationPath: { type: 'string', pattern: '^s3://', description: 'use s3://<bucket>/<path>' },
        endpointUrl: { type: 'string', pattern: '^https://', description: 'use the https:// endpoint of the object store' },
        credentialsSecret: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', description: 'name the Secret holding ACCESS_KEY_ID and ACCESS_SECRET_KEY' },
        schedule: { type: 'string', description: "use a 6-field cron, seconds first, e.g. '0 0 2 * * *'" },
        retention: { type: 'string', description: "use <number><d|w|m>, e.g. '30d'" },
        compression: { enum: ['gzip', 'bzip2', 'snappy'], description: 'use gzip, bzip2 or snappy' },
        archiveTimeout: { type: 'string', description: "use a PostgreSQL duration under 1h, e.g. '5min'" },
      },
      description: 'give destinationPath and credentialsSecret',
    },
    pooler: {
      type: 'object',
      additionalProperties: false,
      properties: {
        instances: replicas,
        poolMode: { enum: ['session', 'transaction'], description: 'use session or transaction' },
        maxClientConnections: replicas,
        defaultPoolSize: replicas,
      },
    },
  },
};

const endpoint = {
  type: 'object',
  additionalProperties: false,
  required: ['cidrs', 'ports'],
  properties: {
    cidrs: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[0-9a-fA-F.:]+/[0-9]{1,3}$', description: 'use a CIDR such as 192.0.2.10/32' } },
    ports: { type: 'array', minItems: 1, items: { type: 'integer', minimum: 1, maximum: 65535, description: 'use a TCP port from 1 to 65535' } },
  },
  description: 'give cidrs and ports',
};

const component = {
  type: 'object',
  additionalProperties: false,
  properties: {
    image: { type: 'string', pattern: IMAGE_REPOSITORY, description: 'use an image repository without tag, e.g. registry.example.com/dvmm/api' },
    tag,
    tags: {
      type: 'object',
      additionalProperties: false,
      required: ['blue', 'green'],
      properties: { blue: tag, green: tag },
      description: 'give a tag for both colours: tags: { blue: 1.4.2, green: 1.5.0 }',
    },
    replicas,
    resources,
    autoscaling: {
      type: 'object',
      additionalProperties: false,
      required: ['minReplicas', 'maxReplicas'],
      properties: {
        minReplicas: replicas,
        maxReplicas: replicas,
        targetCpuUtilization: { type: 'integer', minimum: 1, maximum: 100, description: 'use a percentage from 1 to 100' },
      },
      description: 'give minReplicas and maxReplicas',
    },
  },
};

export const ENVIRONMENT_SCHEMA = {
  $id: 'https://eaf.example.com/schemas/environment.json',
  type: 'object',
  additionalProperties: false,
  required: ['hosts', 'exposure', 'release', 'components'],
  properties: {
    namespace: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$', description: 'use a DNS label such as dvmm-dev' },
    critical: { type: 'boolean', description: 'use true or false' },
    springProfile: { type: 'string', minLength: 1, description: 'use a Spring profile name such as production' },
    hosts: {
      type: 'object',
      additionalProperties: false,
      required: ['frontend', 'api', 'auth'],
      properties: { frontend: host, api: host, auth: host },
      description: 'give the frontend, api and auth hostnames',
    },
    exposure: {
      type: 'object',
      required: ['kind'],
      properties: { kind: { enum: ['ingress', 'route'], description: 'use ingress (Kubernetes) or route (OpenShift)' } },
      if: { properties: { kind: { const: 'ingress' } } },
      then: {
        additionalProperties: false,
        required: ['clusterIssuer'],
        properties: {
          kind: true,
          clusterIssuer: { type: 'string', minLength: 1, description: 'name the cert-manager ClusterIssuer' },
          className: { type: 'string', minLength: 1, description: 'name the IngressClass' },
        },
        description: 'an ingress exposure takes clusterIssuer and optionally className',
      },
      else: {
        additionalProperties: false,
        properties: {
          kind: true,
          termination: { enum: ['edge', 'reencrypt'], description: 'use edge or reencrypt' },
        },
        description: 'a route exposure takes termination (edge or reencrypt)',
      },
    },
    release: {
      type: 'object',
      required: ['strategy'],
      properties: { strategy: { enum: ['rolling', 'blue-green'], description: 'use rolling or blue-green' } },
      if: { properties: { strategy: { const: 'blue-green' } } },
      then: {
        additionalProperties: false,
        required: ['activeColor'],
        properties: {
          strategy: true,
          activeColor: { enum: ['blue', 'green'], description: 'use blue or green' },
          idleReplicas: { type: 'integer', minimum: 0, description: 'use a whole number of at least 0' },
        },
        description: 'a blue-green release takes activeColor and optionally idleReplicas',
      },
      else: {
        additionalProperties: false,
        properties: { strategy: true },
        description: 'a rolling release takes no other setting',
      },
    },
    registries: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.:]*[a-z0-9])?/([a-z0-9._/-]*/)?$', description: 'use a registry prefix ending in /, e.g. registry.example.com/' },
      description: 'list the registries images may come from',
    },
    database,
    network: {
      type: 'object',
      additionalProperties: false,
      properties: {
        platform: { enum: ['kubernetes', 'openshift'], description: 'use kubernetes or openshift' },
        apiServer: endpoint,
        objectStore: endpoint,
        vsphere: endpoint,
        smtp: endpoint,
        databaseOperatorNamespace: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$', description: 'use the namespace name, e.g. openshift-operators' },
      },
    },
    identity: {
      type: 'object',
      additionalProperties: false,
      properties: {
        backend: { enum: ['operator', 'workload'], description: 'use operator (Keycloak Operator) or workload (StatefulSet)' },
        instances: replicas,
        image: { type: 'string', minLength: 1, description: 'use an image reference with tag' },
        resources,
        database,
      },
    },
    components: {
      type: 'object',
      additionalProperties: false,
      required: ['api', 'frontend'],
      properties: { api: component, frontend: component },
      description: 'give settings for api and frontend',
    },
  },
} as const;
