// The API server's own limits: names, label and annotation syntax, object and annotation sizes.
import { DNS_1035_LABEL, DNS_LABEL, DNS_NAME, Format, LABEL_VALUE, QUALIFIED_NAME } from '../../core/formats';
import { fieldPath } from '../finding';
import { RawFinding, RuleCheck } from '../rule-context';
import { ANNOTATIONS_LIMIT, findRule, OBJECT_LIMIT } from '../rules';
import { isMap, stringMap } from '../workloads';

// ---- api-server-limits, apply-size -----------------------------------------------------------------

/** Kinds whose names the API server checks as DNS labels rather than subdomains (RFC 1035 for Services). */
const LABEL_NAMED: Record<string, Format> = { Namespace: DNS_LABEL, Service: DNS_1035_LABEL };

export const apiServerLimits: RuleCheck = (ctx) =>
  ctx.set.objects.flatMap((object, index): RawFinding[] => {
    if (!isMap(object) || !isMap(object.metadata)) return [];
    const out: RawFinding[] = [];
    const add = (path: Array<string | number>, problem: string, value: unknown, fix: string) =>
      out.push({ index, rule: 'api-server-limits', message: `${fieldPath(path)}: ${problem}`, value, fix });
    const metadata = object.metadata;
    const nameFormat = (object.apiVersion === 'v1' && LABEL_NAMED[object.kind]) || DNS_NAME;
    if (typeof metadata.name === 'string' && !nameFormat.test(metadata.name))
      add(['metadata', 'name'], `is not a valid ${object.kind} name`, metadata.name, nameFormat.fix);
    for (const [key, value] of Object.entries(stringMap(metadata.labels))) {
      if (!QUALIFIED_NAME.test(key)) add(['metadata', 'labels', key], 'is not a valid label key', key, QUALIFIED_NAME.fix);
      if (!LABEL_VALUE.test(value)) add(['metadata', 'labels', key], 'is not a valid label value', value, LABEL_VALUE.fix);
    }
    const annotations = stringMap(metadata.annotations);
    for (const key of Object.keys(annotations)) {
      if (!QUALIFIED_NAME.test(key)) add(['metadata', 'annotations', key], 'is not a valid annotation key', key, QUALIFIED_NAME.fix);
    }
    const annotationBytes = Object.entries(annotations).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
    if (annotationBytes > ANNOTATIONS_LIMIT)
      add(
        ['metadata', 'annotations'],
        `are ${annotationBytes} bytes together, above the API server's ${ANNOTATIONS_LIMIT}`,
        undefined,
        'move large values out of annotations',
      );
    const size = ctx.jsonBytes(index);
    if (size > OBJECT_LIMIT) add([], `is ${size} bytes as JSON, above ${OBJECT_LIMIT}`, undefined, 'split it into smaller objects');
    return out;
  });

export const applySize: RuleCheck = (ctx) =>
  ctx.set.objects.flatMap((_object, index): RawFinding[] => {
    const size = ctx.jsonBytes(index);
    if (size <= ANNOTATIONS_LIMIT || size > OBJECT_LIMIT) return [];
    return [
      {
        index,
        rule: 'apply-size',
        message: `(object): is ${size} bytes as JSON; client-side apply stores it in an annotation limited to ${ANNOTATIONS_LIMIT} bytes`,
        value: undefined,
        fix: findRule('apply-size')!.fix,
      },
    ];
  });
