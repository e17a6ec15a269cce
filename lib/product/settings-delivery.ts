import { Type } from '@sinclair/typebox';
import { HTTPS_URL, IMAGE_REFERENCE } from '../core/formats';
import { DURATION_PATTERN } from '../observability/promql';
import { Count, discriminated, formatted, oneOf, optional, strict } from './settings-schema';

/** How Argo Rollouts' analysis of a new version queries Prometheus (engine `argo-rollouts` only). */
export const ReleaseAnalysisSettings = strict({
  prometheusUrl: optional(
    Type.String({
      pattern: '^https?://[^\\s]+$',
      description: 'give the Prometheus the Argo Rollouts controller queries, e.g. http://prometheus-operated.monitoring.svc:9090',
    }),
  ),
  interval: optional(Type.String({ pattern: DURATION_PATTERN, description: "use a duration such as '1m'" })),
  count: optional(Count),
  failureLimit: optional(Type.Integer({ minimum: 0, description: 'use a whole number of at least 0' })),
});

/** What releases the components: two Deployments and a Service switch (`services`), or an Argo Rollout. */
const Engine = oneOf(
  ['services', 'argo-rollouts'],
  'use services (two Deployments, the Services switch) or argo-rollouts (one Argo Rollout per component)',
);

/**
 * Rolling updates; blue-green with the active colour and the idle colour's size, released by Services or by an Argo
 * Rollout (`engine`); or canary, released by an Argo Rollout only.
 */
export const ReleaseSettings = discriminated(
  'strategy',
  [
    strict({ strategy: Type.Literal('rolling') }, 'a rolling release takes no other setting'),
    strict(
      {
        strategy: Type.Literal('blue-green'),
        activeColor: oneOf(['blue', 'green'], 'use blue or green'),
        idleReplicas: optional(Type.Integer({ minimum: 0, description: 'use a whole number of at least 0' })),
        switchTo: optional(oneOf(['blue', 'green'], 'use the idle colour (blue or green): the first step of eaf-cdk8s switch runs it at full size')),
        engine: optional(Engine),
        analysis: optional(ReleaseAnalysisSettings),
      },
      'a blue-green release takes activeColor and optionally idleReplicas, switchTo, engine and analysis',
    ),
    strict(
      {
        strategy: Type.Literal('canary'),
        engine: Engine,
        steps: optional(
          Type.Array(Type.Integer({ minimum: 1, maximum: 100, description: 'use a traffic weight from 1 to 100 (percent)' }), {
            minItems: 1,
            description: 'list the traffic weights in percent, rising, e.g. [20, 50, 100]',
          }),
        ),
        pause: optional(Type.String({ pattern: DURATION_PATTERN, description: "use a duration such as '2m'" })),
        analysis: optional(ReleaseAnalysisSettings),
      },
      'a canary release takes engine: argo-rollouts and optionally steps, pause and analysis',
    ),
  ],
  'use rolling, blue-green or canary',
);
/** A window in which Argo CD may (allow) or may not (deny) sync the environment. */
export const SyncWindowSettings = strict(
  {
    kind: oneOf(['allow', 'deny'], 'use allow or deny'),
    schedule: Type.String({ minLength: 1, description: "use a 5-field cron of when the window opens, e.g. '0 18 * * 5' (Fridays 18:00)" }),
    duration: Type.String({ pattern: '^([0-9]+h)?([0-9]+m)?$', minLength: 2, description: "use hours and/or minutes, e.g. '62h' or '1h30m'" }),
    manualSync: optional(Type.Boolean({ description: 'use true to let manual syncs (and so rollbacks) through a deny window' })),
    timeZone: optional(Type.String({ minLength: 1, description: 'name an IANA time zone, e.g. Europe/Berlin' })),
  },
  'give kind, schedule and duration',
);

/** How Argo CD delivers one environment (the product declares the repository: `defineProduct({ delivery })`). */
export const DeliverySettings = strict({
  sync: optional(oneOf(['automated', 'manual'], 'use automated (Argo CD syncs every commit) or manual (someone presses sync)')),
  autoSyncReason: optional(
    Type.String({ minLength: 10, description: 'say in at least 10 characters why a critical environment may sync without approval' }),
  ),
  prune: optional(Type.Boolean({ description: 'use true to delete what the output no longer holds (automated sync only)' })),
  selfHeal: optional(Type.Boolean({ description: 'use true to undo changes made in the cluster by hand (automated sync only)' })),
  targetRevision: optional(Type.String({ minLength: 1, description: 'name the branch, tag or commit Argo CD follows, e.g. main' })),
  server: optional(formatted(HTTPS_URL, 'give the API server URL of the target cluster as Argo CD knows it, e.g. https://kubernetes.default.svc')),
  syncWindows: optional(Type.Array(SyncWindowSettings)),
  smokeTest: optional(
    strict({
      enabled: optional(Type.Boolean({ description: 'use false to render no smoke test' })),
      image: optional(formatted(IMAGE_REFERENCE)),
      timeoutSeconds: optional(Type.Integer({ minimum: 10, maximum: 3600, description: 'use whole seconds from 10 to 3600' })),
    }),
  ),
});
