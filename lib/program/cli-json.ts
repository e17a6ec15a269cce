import { Static, Type } from '@sinclair/typebox';
import { leadingField } from '../core/field-path';
import type { Finding, WaivedFinding } from '../gate';

/**
 * What `--json` prints on stdout, one shape per command, each written once as a TypeBox schema: that is both the JSON
 * Schema (docs/reference/cli.md shows it, generated; the tests check every output against it) and the TypeScript type a
 * consumer imports from `@eaf/cdk8s/program`. Every shape is one object with `schemaVersion` (raised only when a
 * field is removed or changes meaning; new fields may appear in the same version), `command` and `ok`.
 */

/** The version of every `--json` shape; a consumer checks it before reading the rest. */
export const CLI_JSON_SCHEMA_VERSION = 1;

const head = <C extends string>(command: C) => ({
  schemaVersion: Type.Literal(CLI_JSON_SCHEMA_VERSION, { description: 'The version of this shape.' }),
  command: Type.Literal(command),
});

const ObjectRef = Type.Object(
  {
    kind: Type.String(),
    namespace: Type.Union([Type.String(), Type.Null()], { description: 'null for a cluster-scoped object' }),
    name: Type.String(),
  },
  { description: 'A Kubernetes object.' },
);

const Target = Type.Object({
  kubernetes: Type.String({ description: 'The Kubernetes minor, e.g. 1.33.' }),
  openshift: Type.Union([Type.String(), Type.Null()], { description: 'The OpenShift minor, null for plain Kubernetes.' }),
});

const JsonFinding = Type.Object({
  environment: Type.String(),
  rule: Type.String({ description: 'The rule id (docs/gate.md).' }),
  object: Type.Union([ObjectRef, Type.Null()], { description: 'null for a finding about no single object' }),
  field: Type.Union([Type.String(), Type.Null()], { description: 'The field path (spec.replicas), null when it is about the whole object.' }),
  message: Type.String({ description: 'What is wrong (without the field).' }),
  value: Type.Optional(Type.Unknown({ description: 'The offending value; absent when the field is missing. Never a secret value.' })),
  fix: Type.String(),
  waived: Type.Boolean({ description: 'true when a waiver annotation suppressed it: it does not fail the gate.' }),
  waiverReason: Type.Union([Type.String(), Type.Null()], { description: "The waiver's reason; null when not waived." }),
});

/** `eaf-cdk8s validate <folder> --json`. */
export const ValidateJsonSchema = Type.Object(
  {
    ...head('validate'),
    ok: Type.Boolean({ description: 'The exit code is 0.' }),
    environments: Type.Array(
      Type.Object({
        name: Type.String(),
        objects: Type.Integer({ description: 'How many objects were checked.' }),
        target: Target,
        targetSource: Type.String({ description: 'Where the target came from.' }),
      }),
    ),
    findings: Type.Array(JsonFinding, { description: "Every finding: the unwaived ones in the gate's order, then the waived ones." }),
    upgradeWarnings: Type.Array(
      Type.Object({
        environment: Type.String(),
        object: ObjectRef,
        kind: Type.Union([Type.Literal('removed'), Type.Literal('deprecated')]),
        from: Target,
        to: Target,
        message: Type.String(),
        fix: Type.String(),
      }),
      { description: 'With --next: what the later release removes or deprecates; else empty.' },
    ),
  },
  { title: 'eaf-cdk8s validate --json' },
);
/** What `eaf-cdk8s validate --json` prints (docs/reference/cli.md, JSON output). */
export type ValidateJson = Static<typeof ValidateJsonSchema>;

/** The tiers of `eaf-cdk8s verify`, in the order they run; all but `rehearse` run when none is named. */
export const VERIFY_TIERS = Object.freeze(['lint', 'netpol', 'alerts', 'cluster', 'rehearse'] as const);
/** A tier of `eaf-cdk8s verify`. */
export type VerifyTier = (typeof VERIFY_TIERS)[number];

/** `eaf-cdk8s verify <folder> --json`. */
export const VerifyJsonSchema = Type.Object(
  {
    ...head('verify'),
    ok: Type.Boolean({ description: 'Every tier passed (exit code 0).' }),
    environments: Type.Array(Type.String(), { description: 'The environment folders verified, as given.' }),
    tiers: Type.Array(
      Type.Object({
        tier: Type.Union(VERIFY_TIERS.map((t) => Type.Literal(t))),
        ok: Type.Boolean(),
        exitCode: Type.Integer(),
      }),
      { description: "In the order they ran; each tier's own report is on stderr." },
    ),
  },
  { title: 'eaf-cdk8s verify --json' },
);
/** What `eaf-cdk8s verify --json` prints (docs/reference/cli.md, JSON output). */
export type VerifyJson = Static<typeof VerifyJsonSchema>;

const ChangedObject = Type.Object({
  environment: Type.String(),
  object: ObjectRef,
  fields: Type.Array(
    Type.Object({
      field: Type.String({ description: 'containers[name=api].image, spec.selector["eaf.io/color"]' }),
      before: Type.Optional(Type.Unknown({ description: 'Absent when the field did not exist.' })),
      after: Type.Optional(Type.Unknown({ description: 'Absent when the field was removed.' })),
    }),
    { description: 'Every changed field; empty for an added or removed object.' },
  ),
});

/** `eaf-cdk8s diff --json`. */
export const DiffJsonSchema = Type.Object(
  {
    ...head('diff'),
    ok: Type.Literal(true),
    base: Type.String({ description: 'The git ref, as given.' }),
    commit: Type.String({ description: 'The commit it resolved to.' }),
    changed: Type.Array(ChangedObject),
    added: Type.Array(ChangedObject),
    removed: Type.Array(ChangedObject),
  },
  { title: 'eaf-cdk8s diff --json' },
);
/** What `eaf-cdk8s diff --json` prints (docs/reference/cli.md, JSON output). */
export type DiffJson = Static<typeof DiffJsonSchema>;

/** `eaf-cdk8s secrets <environment> --json`. */
export const SecretsJsonSchema = Type.Object(
  {
    ...head('secrets'),
    ok: Type.Literal(true),
    product: Type.String(),
    environment: Type.String(),
    namespace: Type.String(),
    provider: Type.String({ description: 'secrets.provider of the environment.' }),
    secrets: Type.Array(
      Type.Object({
        name: Type.String(),
        type: Type.Union([Type.String(), Type.Null()], { description: 'The Secret type a reader requires; null: any (Opaque).' }),
        keys: Type.Array(Type.String(), { description: 'Every key a reader names.' }),
        wholeSecret: Type.Boolean({ description: 'Some reader reads every key (envFrom, a volume without items).' }),
        readers: Type.Array(
          Type.Object({
            object: Type.String({ description: 'Kind/name' }),
            container: Type.Union([Type.String(), Type.Null()]),
            field: Type.String(),
            keys: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'null: every key.' }),
          }),
        ),
        providedBy: Type.Array(Type.String(), { description: 'What among the objects provides it; empty: it must be provided.' }),
        provided: Type.String({ description: 'How it reaches the cluster, in words.' }),
      }),
    ),
  },
  { title: 'eaf-cdk8s secrets --json' },
);
/** What `eaf-cdk8s secrets --json` prints (docs/reference/cli.md, JSON output). */
export type SecretsJson = Static<typeof SecretsJsonSchema>;

/** The JSON Schema (draft-07 compatible) of every `--json` shape, by command: for the docs, the tests and a consumer's own checks. */
export const CLI_JSON_SCHEMAS: Readonly<Record<'validate' | 'verify' | 'diff' | 'secrets', object>> = {
  validate: ValidateJsonSchema,
  verify: VerifyJsonSchema,
  diff: DiffJsonSchema,
  secrets: SecretsJsonSchema,
};

/** `Kind/namespace/name` or `Kind/name` (as the gate and the diff name objects) as an object; null for anything else. */
export function objectRef(id: string): Static<typeof ObjectRef> | null {
  const parts = id.split('/');
  if (parts.length === 3) return { kind: parts[0], namespace: parts[1], name: parts[2] };
  if (parts.length === 2) return { kind: parts[0], namespace: null, name: parts[1] };
  return null;
}

/** A finding of the gate (or one a waiver suppressed) as `validate --json` lists it. */
export function jsonFinding(f: Finding | WaivedFinding): Static<typeof JsonFinding> {
  const { field, text } = leadingField(f.message);
  const reason = 'reason' in f ? f.reason : null;
  return {
    environment: f.environment,
    rule: f.rule,
    object: objectRef(f.object),
    field: field ?? null,
    message: text,
    ...(f.value === undefined ? {} : { value: f.value }),
    fix: f.fix,
    waived: reason !== null,
    waiverReason: reason,
  };
}

/** A `--json` result as printed: two-space indented, one trailing newline. */
export function jsonText(value: ValidateJson | VerifyJson | DiffJson | SecretsJson): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
