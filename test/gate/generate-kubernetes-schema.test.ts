import * as fs from 'fs';
import { KUBERNETES_RELEASES, SCHEMA_MINORS } from '../../lib/core/cluster-version';
import { bundleOf } from '../../lib/gate/kubernetes-schema';
import { buildKubernetesSchemaBundle, KUBERNETES_SCHEMA_FILE, serializeBundle, SUPPLEMENTS } from '../../scripts/kubernetes-schema';
import { buildKubernetesSchemaHistory, deprecationNote, serializeHistory } from '../../scripts/kubernetes-schema-history';

/** A tiny OpenAPI v2 document in the shape of Kubernetes' swagger.json. */
const SWAGGER = {
  definitions: {
    'io.k8s.api.demo.v1.Widget': {
      'description': 'A widget.',
      'type': 'object',
      'properties': {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
        spec: { $ref: '#/definitions/io.k8s.api.demo.v1.WidgetSpec' },
        status: { $ref: '#/definitions/io.k8s.api.demo.v1.WidgetStatus' },
      },
      'x-kubernetes-group-version-kind': [{ group: 'demo.k8s.io', kind: 'Widget', version: 'v1' }],
    },
    'io.k8s.api.demo.v1.WidgetList': {
      'type': 'object',
      'properties': { items: { type: 'array' } },
      'x-kubernetes-group-version-kind': [{ group: 'demo.k8s.io', kind: 'WidgetList', version: 'v1' }],
    },
    'io.k8s.api.demo.v1.WidgetSpec': {
      type: 'object',
      required: ['size'],
      properties: {
        size: { $ref: '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity' },
        port: { $ref: '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString' },
        mode: { 'type': 'string', 'description': 'One of A, B.', 'x-kubernetes-patch-strategy': 'merge' },
        extra: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    'io.k8s.api.demo.v1.WidgetStatus': { type: 'object', properties: { ready: { type: 'boolean' } } },
    'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
      type: 'object',
      properties: { name: { type: 'string' }, creationTimestamp: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Time' } },
    },
    'io.k8s.apimachinery.pkg.apis.meta.v1.Time': { type: 'string', format: 'date-time' },
    'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string' },
    'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { type: 'string', format: 'int-or-string' },
    'io.k8s.apimachinery.pkg.apis.meta.v1.Status': {
      'type': 'object',
      'x-kubernetes-group-version-kind': [{ group: '', kind: 'Status', version: 'v1' }],
    },
  },
};

describe('buildKubernetesSchemaBundle', () => {
  test('keeps the kinds and what they reference, strict, with scalar types as the API server decodes them', () => {
    // GIVEN a swagger document WHEN it is turned into a bundle with one supplement
    const bundle = buildKubernetesSchemaBundle(SWAGGER, 'test', 'v0.0.1', { 'io.k8s.api.demo.v1.WidgetSpec.mode': { enum: ['A', 'B'] } });
    // THEN lists, meta envelopes, status definitions and descriptions are gone, objects are strict
    expect(bundle.kubernetesVersion).toBe('v0.0.1');
    expect(bundle.kinds).toEqual({ 'demo.k8s.io/v1': { Widget: 'io.k8s.api.demo.v1.Widget' } });
    expect(Object.keys(bundle.definitions)).toEqual([
      'io.k8s.api.demo.v1.Widget',
      'io.k8s.api.demo.v1.WidgetSpec',
      'io.k8s.apimachinery.pkg.api.resource.Quantity',
      'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
      'io.k8s.apimachinery.pkg.apis.meta.v1.Time',
      'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
    ]);
    expect(bundle.definitions['io.k8s.api.demo.v1.Widget'].properties.status).toEqual({ type: 'object' });
    expect(bundle.definitions['io.k8s.api.demo.v1.WidgetSpec']).toEqual({
      type: 'object',
      required: ['size'],
      additionalProperties: false,
      properties: {
        size: { $ref: '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity' },
        port: { $ref: '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString' },
        mode: { type: 'string', enum: ['A', 'B'] },
        extra: { type: 'object', additionalProperties: { type: 'string' } },
      },
    });
    expect(bundle.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toEqual({ type: ['integer', 'string'] });
    expect(bundle.definitions['io.k8s.apimachinery.pkg.api.resource.Quantity']).toEqual({ type: ['string', 'number'], format: 'quantity' });
  });

  test('fails on a supplement for a property the document does not have, and on a dangling reference', () => {
    expect(() => buildKubernetesSchemaBundle(SWAGGER, 'test', 'v0.0.1', { 'io.k8s.api.demo.v1.WidgetSpec.colour': { enum: ['red'] } })).toThrow(
      'SUPPLEMENTS name properties the OpenAPI document does not have: io.k8s.api.demo.v1.WidgetSpec.colour',
    );
    const dangling = {
      definitions: {
        ...SWAGGER.definitions,
        'io.k8s.api.demo.v1.WidgetSpec': { type: 'object', properties: { part: { $ref: '#/definitions/io.k8s.api.demo.v1.Missing' } } },
      },
    };
    expect(() => buildKubernetesSchemaBundle(dangling, 'test', 'v0.0.1', {})).toThrow(
      'definition io.k8s.api.demo.v1.Missing is referenced but missing from the OpenAPI document',
    );
  });

  test('serialises one definition per line, and the text parses back to the bundle', () => {
    const bundle = buildKubernetesSchemaBundle(SWAGGER, 'test', 'v0.0.1', {});
    const text = serializeBundle(bundle);
    expect(JSON.parse(text)).toEqual(bundle);
    expect(text.split('\n').filter((line) => line.startsWith('    "io.k8s.'))).toHaveLength(6);
  });
});

describe('buildKubernetesSchemaHistory', () => {
  const widget = (properties: Record<string, unknown>) => ({
    definitions: {
      ...SWAGGER.definitions,
      'io.k8s.api.demo.v1.WidgetSpec': { type: 'object', properties },
    },
  });
  const releases = [
    { minor: '1.1', tag: 'v1.1.0', swagger: { definitions: { 'io.k8s.api.demo.v1beta1.Widget': SWAGGER.definitions['io.k8s.api.demo.v1.Widget'] } } },
    { minor: '1.2', tag: 'v1.2.3', swagger: widget({ size: { type: 'string' } }) },
    { minor: '1.3', tag: 'v1.3.1', swagger: widget({ colour: { type: 'string' }, size: { type: 'string' } }) },
  ];
  const history = buildKubernetesSchemaHistory(releases, ['1.2', '1.3'], 'test', {});

  test('writes a changed definition once, with the properties that differ by minor, and gives every minor back', () => {
    // GIVEN two minors whose WidgetSpec differs by one field WHEN folded THEN the field is listed from the minor that added it
    expect(history.definitions['io.k8s.api.demo.v1.WidgetSpec']).toEqual({
      in: ['1.2', '1.3'],
      schema: { type: 'object', properties: { size: { type: 'string' } }, additionalProperties: false },
      vary: { colour: [['1.3', '1.3', { type: 'string' }]] },
    });
    expect(history.definitions['io.k8s.api.demo.v1.Widget'].vary).toBeUndefined();
    expect(bundleOf(history, '1.2').definitions['io.k8s.api.demo.v1.WidgetSpec'].properties).toEqual({ size: { type: 'string' } });
    expect(Object.keys(bundleOf(history, '1.3').definitions['io.k8s.api.demo.v1.WidgetSpec'].properties)).toEqual(['colour', 'size']);
    expect(bundleOf(history, '1.3').kubernetesVersion).toBe('v1.3.1');
    expect(JSON.parse(serializeHistory(history))).toEqual(JSON.parse(JSON.stringify(history)));
  });

  test('lists every kind of every release with the first and last minor that served it', () => {
    // GIVEN a kind whose only release is older than the schema minors THEN it is listed, and no minor's bundle has it
    expect(history.kinds).toEqual({
      'demo.k8s.io/v1': { Widget: ['io.k8s.api.demo.v1.Widget', '1.1', '1.3'] },
    });
  });
});

describe('deprecations in the history', () => {
  test('records what a minor declares deprecated, kind or field, by the minors that declare it', () => {
    // GIVEN a Widget that 1.3 declares deprecated and a field deprecated in both minors
    const spec = (extra: Record<string, unknown>) => ({
      ...SWAGGER.definitions['io.k8s.api.demo.v1.WidgetSpec'],
      properties: { ...SWAGGER.definitions['io.k8s.api.demo.v1.WidgetSpec'].properties, ...extra },
    });
    const old = { type: 'string', description: 'The old size. Deprecated: Use size instead.' };
    const widget = { ...SWAGGER.definitions['io.k8s.api.demo.v1.Widget'], description: 'A widget. Deprecated: This API is deprecated in v1.3+.' };
    const history = buildKubernetesSchemaHistory(
      [
        {
          minor: '1.2',
          tag: 'v1.2.0',
          swagger: { definitions: { ...SWAGGER.definitions, 'io.k8s.api.demo.v1.WidgetSpec': spec({ oldSize: old }) } },
        },
        {
          minor: '1.3',
          tag: 'v1.3.0',
          swagger: {
            definitions: { ...SWAGGER.definitions, 'io.k8s.api.demo.v1.Widget': widget, 'io.k8s.api.demo.v1.WidgetSpec': spec({ oldSize: old }) },
          },
        },
      ],
      ['1.2', '1.3'],
      'test',
      {},
    );
    // THEN each is recorded with its note and its minors, and the serialised history carries them
    expect(history.deprecations).toEqual({
      'io.k8s.api.demo.v1.Widget': [['1.3', '1.3', 'This API is deprecated in v1.3+.']],
      'io.k8s.api.demo.v1.WidgetSpec.oldSize': [['1.2', '1.3', 'Use size instead.']],
    });
    expect(JSON.parse(serializeHistory(history)).deprecations).toEqual(history.deprecations);
  });

  test('reads the note from a sentence that starts with Deprecated, not from a mention of a deprecated thing', () => {
    expect(deprecationNote('Deprecated. Not all kubelets will set this field. Remove field after 1.13. More info: x')).toBe(
      'Not all kubelets will set this field. Remove field after 1.13.',
    );
    expect(deprecationNote('Represents a git repository.  DEPRECATED: GitRepo is deprecated.')).toBe('GitRepo is deprecated.');
    expect(deprecationNote('deprecated indicates this version of the API is deprecated. When set to true, ...')).toBeUndefined();
    expect(deprecationNote('Recycle (deprecated) and Delete are the policies.')).toBeUndefined();
    expect(deprecationNote(undefined)).toBeUndefined();
  });
});

describe('the vendored kubernetes-schema.json', () => {
  const history = JSON.parse(fs.readFileSync(KUBERNETES_SCHEMA_FILE, 'utf8'));
  const bundle = bundleOf(history, '1.29');

  test('holds the pinned releases, schemas of every target minor, and the kinds the library renders', () => {
    expect(history.releases).toEqual(KUBERNETES_RELEASES);
    expect(history.minors).toEqual(SCHEMA_MINORS);
    expect(history.minors[0]).toBe('1.29');
    expect(history.minors[history.minors.length - 1]).toBe('1.37');
    expect(bundle.kubernetesVersion).toBe('v1.29.6');
    // a kind removed before the oldest minor, and its last release
    expect(history.kinds['autoscaling/v2beta2'].HorizontalPodAutoscaler.slice(1)).toEqual(['1.21', '1.25']);
    expect(history.kinds['flowcontrol.apiserver.k8s.io/v1beta2'].FlowSchema.slice(1)).toEqual(['1.23', '1.28']);
    // what the OpenAPI documents declare deprecated: a kind from 1.33, a field in every minor
    expect(history.deprecations['io.k8s.api.core.v1.Endpoints']).toEqual([
      ['1.33', '1.37', 'This API is deprecated in v1.33+. Use discoveryv1.EndpointSlice.'],
    ]);
    expect(history.deprecations['io.k8s.api.core.v1.PodSpec.serviceAccount']).toEqual([['1.29', '1.37', 'Use serviceAccountName instead.']]);
    for (const [apiVersion, kind, definition] of [
      ['v1', 'Namespace', 'io.k8s.api.core.v1.Namespace'],
      ['v1', 'Service', 'io.k8s.api.core.v1.Service'],
      ['v1', 'Secret', 'io.k8s.api.core.v1.Secret'],
      ['apps/v1', 'Deployment', 'io.k8s.api.apps.v1.Deployment'],
      ['apps/v1', 'StatefulSet', 'io.k8s.api.apps.v1.StatefulSet'],
      ['batch/v1', 'CronJob', 'io.k8s.api.batch.v1.CronJob'],
      ['policy/v1', 'PodDisruptionBudget', 'io.k8s.api.policy.v1.PodDisruptionBudget'],
      ['autoscaling/v2', 'HorizontalPodAutoscaler', 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler'],
      ['networking.k8s.io/v1', 'NetworkPolicy', 'io.k8s.api.networking.v1.NetworkPolicy'],
      ['networking.k8s.io/v1', 'Ingress', 'io.k8s.api.networking.v1.Ingress'],
    ]) {
      // each kind names its definition, which the bundle carries
      expect(bundle.kinds[apiVersion][kind]).toBe(definition);
      expect(bundle.definitions[definition]).toEqual(expect.objectContaining({ type: 'object' }));
    }
  });

  test('resolves every reference, makes every object with properties strict, and carries every supplement', () => {
    const text = JSON.stringify(bundle.definitions);
    const refs = [...text.matchAll(/"\$ref":"#\/definitions\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.filter((name) => bundle.definitions[name] === undefined)).toEqual([]);
    const loose: string[] = [];
    const walk = (schema: any, where: string) => {
      if (schema === null || typeof schema !== 'object') return;
      if (schema.properties !== undefined && schema.additionalProperties === undefined) loose.push(where);
      for (const [key, value] of Object.entries(schema)) walk(value, `${where}/${key}`);
    };
    walk(bundle.definitions, '');
    expect(loose).toEqual([]);
    for (const key of Object.keys(SUPPLEMENTS)) {
      const property = key.slice(key.lastIndexOf('.') + 1);
      expect(bundle.definitions[key.slice(0, key.lastIndexOf('.'))].properties[property]).toMatchObject(SUPPLEMENTS[key]);
    }
  });
});
