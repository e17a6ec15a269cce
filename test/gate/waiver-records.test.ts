import { WaiverRecord } from '../../lib/gate';
import { isRecorded, waiverEntry } from '../../lib/gate/waiver-records';
import { deployment, findingsOf, validateObjects, workload } from './fixtures';

const REASON = 'batch worker: one replica is enough, restarts are harmless';
const FILE = 'environments/production.yaml';
const RECORD: WaiverRecord = { kind: 'Deployment', name: 'api', rule: 'production-replicas', reason: REASON };

describe('isRecorded', () => {
  const api = deployment('api');

  test('matches a record of the same kind, name, rule and reason, whatever the namespace or surrounding blanks', () => {
    expect(isRecorded(api, 'production-replicas', REASON, [RECORD])).toBe(true);
    expect(isRecorded(api, 'production-replicas', `  ${REASON} `, [{ ...RECORD, reason: `${REASON}\n` }])).toBe(true);
  });

  test.each([
    ['another kind', { kind: 'StatefulSet' }],
    ['another name', { name: 'web' }],
    ['another rule', { rule: 'probes-required' }],
    ['another reason', { reason: 'a reason someone else reviewed' }],
  ])('does not match a record of %s', (_, change) => {
    expect(isRecorded(api, 'production-replicas', REASON, [{ ...RECORD, ...change }])).toBe(false);
  });

  test('does not match without records, nor an object without a name', () => {
    expect(isRecorded(api, 'production-replicas', REASON, [])).toBe(false);
    expect(isRecorded({ kind: 'Deployment', metadata: {} }, 'production-replicas', REASON, [RECORD])).toBe(false);
  });
});

describe('waiverEntry', () => {
  test('is the one YAML line of the file that records the waiver, the reason quoted so any text survives', () => {
    expect(waiverEntry(deployment('api'), 'production-replicas', 'one replica: "pilot" #3')).toBe(
      '- { rule: production-replicas, object: Deployment/api, reason: "one replica: \\"pilot\\" #3" }',
    );
  });
});

describe('a set with its environment file records', () => {
  const waived = () => workload('api', { replicas: 1, annotations: { 'waive.eaf.io/production-replicas': REASON } });

  test('honours a waiver the file records', () => {
    const report = validateObjects(waived(), { waiverRecords: { file: FILE, records: [RECORD] } });
    expect(report.findings).toEqual([]);
    expect(report.waivers.map((w) => [w.object, w.rule, w.suppressed])).toEqual([['Deployment/shop-production/api', 'production-replicas', 1]]);
  });

  test('fails on a waiver the file does not record, with the entry to add, and the waiver waives nothing', () => {
    // GIVEN a waiver written in code, and a file recording only another object's waiver
    const records = { file: FILE, records: [{ ...RECORD, name: 'web' }] };
    // WHEN validated THEN the waiver is refused, and the finding it hid is reported too
    expect(findingsOf('waiver-unrecorded', waived(), { waiverRecords: records })).toEqual([
      'production: Deployment/shop-production/api: [waiver-unrecorded] metadata.annotations["waive.eaf.io/production-replicas"]: ' +
        `waives production-replicas with no record in ${FILE} (written in code), so the exception has no review trail; it waives nothing ` +
        `(got "${REASON}"); fix: add to the waivers of ${FILE}: ` +
        `- { rule: production-replicas, object: Deployment/api, reason: "${REASON}" }; or remove the waive() call`,
    ]);
    expect(findingsOf('production-replicas', waived(), { waiverRecords: records })).toHaveLength(1);
    expect(validateObjects(waived(), { waiverRecords: records }).waivers).toEqual([]);
  });

  test('fails on a waiver whose reason in code is not the one the file records', () => {
    const records = { file: FILE, records: [{ ...RECORD, reason: 'the reason the reviewers approved' }] };
    expect(findingsOf('waiver-unrecorded', waived(), { waiverRecords: records })).toHaveLength(1);
  });

  test('refuses a waiver of an unwaivable rule as invalid, recorded or not', () => {
    const objects = workload('api', { annotations: { 'waive.eaf.io/pss-restricted': 'the agent reads node metrics' } });
    const records = { file: FILE, records: [{ ...RECORD, rule: 'pss-restricted', reason: 'the agent reads node metrics' }] };
    expect(findingsOf('waiver-invalid', objects, { waiverRecords: records })).toHaveLength(1);
    expect(findingsOf('waiver-unrecorded', objects, { waiverRecords: records })).toEqual([]);
  });

  test('without records (a folder of manifests) every valid waiver is honoured, as before', () => {
    expect(validateObjects(waived()).findings).toEqual([]);
  });
});
