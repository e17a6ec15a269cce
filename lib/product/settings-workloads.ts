import { Type } from '@sinclair/typebox';
import { IMAGE_REPOSITORY } from '../core/formats';
import { Count, formatted, optional, Quantity, strict, Tag } from './settings-schema';

/** Requests or limits, each quantity optional (merged over the defaults). */
export const ResourceQuantitiesSettings = strict({ cpu: optional(Quantity), memory: optional(Quantity), ephemeralStorage: optional(Quantity) });

/** Size overrides of a container, merged over its defaults. */
export const ResourceSettings = strict({ requests: optional(ResourceQuantitiesSettings), limits: optional(ResourceQuantitiesSettings) });

/** Autoscaling of a component's (active) Deployment: on CPU, and optionally on memory and a custom per-pod metric. */
export const AutoscalingSettings = strict(
  {
    minReplicas: Count,
    maxReplicas: Count,
    targetCpuUtilization: optional(Type.Integer({ minimum: 1, maximum: 100, description: 'use a percentage from 1 to 100' })),
    targetMemoryUtilization: optional(Type.Integer({ minimum: 1, maximum: 100, description: 'use a percentage from 1 to 100' })),
    podsMetric: optional(
      strict(
        {
          name: Type.String({
            pattern: '^[a-zA-Z_:][a-zA-Z0-9_:]*$',
            description: 'name a metric of the custom metrics API, e.g. http_requests_per_second',
          }),
          averageValue: Type.Number({ exclusiveMinimum: 0, description: 'use the average value per pod to aim for, above 0' }),
        },
        'give name and averageValue',
      ),
    ),
  },
  'give minReplicas and maxReplicas',
);

const componentProperties = {
  image: optional(formatted(IMAGE_REPOSITORY)),
  tag: optional(Tag),
  tags: optional(strict({ blue: Tag, green: Tag }, 'give a tag for both colours: tags: { blue: 1.4.2, green: 1.5.0 }')),
  replicas: optional(Count),
  resources: optional(ResourceSettings),
  autoscaling: optional(AutoscalingSettings),
};

/** Release-time settings of one component in one environment: image, tag(s), replicas, sizes, autoscaling. */
export const ComponentSettings = strict(componentProperties);

/** A Spring Boot component's settings: those of every component, plus its Spring profile. */
export const SpringBootSettings = strict({
  ...componentProperties,
  springProfile: optional(Type.String({ minLength: 1, description: 'use a Spring profile name such as production' })),
});
