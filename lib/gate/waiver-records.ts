import type { WaiverRecord } from '../core/waivers';
import { Manifest, WaiverRecords } from './finding';
import { RawFinding } from './rule-context';

/**
 * Whether an environment file records a waiver annotation: a record of the same kind, name, rule and reason (a file names
 * objects by `<Kind>/<name>`: a product's objects share one namespace).
 * The reason counts: what synth prints and the cluster carries is the reason someone reviewed in the file.
 */
export function isRecorded(object: Manifest, rule: string, reason: string, records: readonly WaiverRecord[]): boolean {
  const name: unknown = object.metadata?.name;
  return records.some((r) => r.kind === object.kind && r.name === name && r.rule === rule && r.reason.trim() === reason.trim());
}

/**
 * The entry of an environment file's `waivers:` that records a waiver, as one YAML line (a flow mapping; the reason as a
 * JSON string, which YAML reads as the same text): `- { rule: <rule>, object: <Kind>/<name>, reason: "<reason>" }`.
 */
export function waiverEntry(object: Manifest, rule: string, reason: string): string {
  return `- { rule: ${rule}, object: ${object.kind}/${object.metadata?.name}, reason: ${JSON.stringify(reason)} }`;
}

/**
 * The `waiver-unrecorded` finding of the waiver annotation `field` of an object when `records` lacks it; undefined when
 * it is recorded.
 */
export function unrecordedWaiver(
  object: Manifest,
  index: number,
  field: string,
  rule: string,
  reason: string,
  records: WaiverRecords,
): RawFinding | undefined {
  if (isRecorded(object, rule, reason, records.records)) return undefined;
  return {
    index,
    rule: 'waiver-unrecorded',
    message:
      `${field}: waives ${rule} with no record in ${records.file} (written in code), ` + 'so the exception has no review trail; it waives nothing',
    value: reason,
    fix: `add to the waivers of ${records.file}: ${waiverEntry(object, rule, reason)}; or remove the waive() call`,
  };
}
