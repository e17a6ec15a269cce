// What the API server checks of an object's metadata beyond the schema: name, namespace, label and annotation syntax
// and size.
import { DNS_1035_LABEL, DNS_LABEL, DNS_NAME } from '../core/formats';
import { fieldPath, Manifest } from './finding';
import { SchemaProblem } from './schema-errors';

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** Name rules that differ from the DNS subdomain most kinds use. */
const NAME_RULES: Record<string, { test: (name: string) => boolean; text: string }> = {
  Namespace: {
    test: DNS_LABEL.test,
    text: 'a DNS label: at most 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit',
  },
  Service: { test: DNS_1035_LABEL.test, text: 'a DNS-1035 label: at most 63 lower-case letters, digits and hyphens, starting with a letter' },
};
const SUBDOMAIN_NAME = {
  test: DNS_NAME.test,
  text: 'a DNS subdomain: at most 253 characters of lower-case letter, digit and hyphen labels separated by dots',
};

function isQualifiedName(key: string): boolean {
  const slash = key.indexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  return name.length <= 63 && QUALIFIED_NAME.test(name) && (prefix === undefined || DNS_NAME.test(prefix));
}

export function metadataProblems(object: Manifest, kind: string): SchemaProblem[] {
  const metadata = object.metadata;
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    return metadata === undefined ? [{ message: 'metadata.name: is required', value: undefined, fix: 'set metadata.name' }] : [];
  }
  const problems: SchemaProblem[] = [];
  const rule = NAME_RULES[kind] ?? SUBDOMAIN_NAME;
  if (metadata.name === undefined) {
    problems.push({ message: 'metadata.name: is required', value: undefined, fix: 'set metadata.name (kubectl apply cannot use generateName)' });
  } else if (typeof metadata.name === 'string' && !rule.test(metadata.name)) {
    problems.push({ message: `metadata.name: is not ${rule.text}`, value: metadata.name, fix: `rename the ${kind} to ${rule.text}` });
  }
  if (typeof metadata.namespace === 'string' && !NAME_RULES.Namespace.test(metadata.namespace)) {
    problems.push({
      message: `metadata.namespace: is not ${NAME_RULES.Namespace.text}`,
      value: metadata.namespace,
      fix: 'use a valid namespace name',
    });
  }
  for (const [key, value] of Object.entries(isMap(metadata.labels) ? metadata.labels : {})) {
    if (!isQualifiedName(key)) {
      problems.push({
        message: `${fieldPath(['metadata', 'labels', key])}: is not a valid label key`,
        value: key,
        fix:
          "use an optional DNS-subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.', " +
          'starting and ending with a letter or digit',
      });
    }
    if (typeof value === 'string' && value !== '' && !(value.length <= 63 && QUALIFIED_NAME.test(value))) {
      problems.push({
        message: `${fieldPath(['metadata', 'labels', key])}: is not a valid label value`,
        value,
        fix: "use at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
      });
    }
  }
  const annotations = isMap(metadata.annotations) ? metadata.annotations : {};
  for (const key of Object.keys(annotations).filter((k) => !isQualifiedName(k))) {
    problems.push({
      message: `${fieldPath(['metadata', 'annotations', key])}: is not a valid annotation key`,
      value: key,
      fix: "use an optional DNS-subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.'",
    });
  }
  const size = Object.entries(annotations).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
  if (size > MAX_ANNOTATIONS_BYTES) {
    problems.push({
      message: `metadata.annotations: total ${size} bytes exceed the 256 KiB the API server accepts`,
      value: size,
      fix: 'move large data to a ConfigMap',
    });
  }
  return problems;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
