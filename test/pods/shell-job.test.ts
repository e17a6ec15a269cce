import { Cron, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { restrictedShellJob } from '../../lib/pods/shell-job';
import { find, synth, testChart } from '../util';

const RESOURCES = {
  requests: { cpu: '10m', memory: '32Mi', ephemeralStorage: '16Mi' },
  limits: { cpu: '100m', memory: '1Gi', ephemeralStorage: '64Mi' },
};
const SHELL = { name: 'hello', image: 'registry.example.com/sh:1', script: 'echo "$0: $1"', args: ['world'] };
const RESTRICTED = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};

describe('restrictedShellJob', () => {
  test('without a schedule: a restricted Job running the script once, no token, resources as given', () => {
    // GIVEN
    const chart = testChart();
    // WHEN
    const job = restrictedShellJob(chart, 'Hello', {
      metadata: { name: 'hello', annotations: { note: 'x' } },
      podLabels: { 'app.kubernetes.io/name': 'hello' },
      backoffLimit: 0,
      activeDeadline: Duration.seconds(300),
      shell: SHELL,
      resources: RESOURCES,
    });
    // THEN
    const manifest = find(synth(chart), 'Job', 'hello');
    expect(job.apiObject.kind).toBe('Job');
    expect(manifest.metadata.annotations).toEqual({ note: 'x' });
    expect(manifest.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 300 });
    const pod = manifest.spec.template;
    expect(pod.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'hello' });
    expect(pod.spec).toMatchObject({ restartPolicy: 'Never', automountServiceAccountToken: false, securityContext: { runAsNonRoot: true } });
    expect(pod.spec.serviceAccountName).toBeUndefined();
    expect(pod.spec.containers).toEqual([
      {
        name: 'hello',
        image: 'registry.example.com/sh:1',
        imagePullPolicy: 'Always',
        command: ['/bin/sh', '-c', 'echo "$0: $1"', 'hello'],
        args: ['world'],
        resources: {
          requests: { 'cpu': '10m', 'memory': '32Mi', 'ephemeral-storage': '16Mi' },
          limits: { 'cpu': '100m', 'memory': '1Gi', 'ephemeral-storage': '64Mi' },
        },
        securityContext: RESTRICTED,
      },
    ]);
  });

  test("with a schedule and a ServiceAccount: a CronJob that never overlaps, with the account's token", () => {
    // GIVEN
    const chart = testChart();
    const account = new kplus.ServiceAccount(chart, 'Account', { metadata: { name: 'pruner' }, automountToken: false });
    // WHEN
    restrictedShellJob(chart, 'Hello', {
      metadata: { name: 'hello' },
      podLabels: { app: 'hello' },
      schedule: {
        cron: Cron.schedule({ minute: '30', hour: '4' }),
        timeZone: 'Etc/UTC',
        startingDeadline: Duration.hours(1),
        successfulJobsRetained: 1,
        failedJobsRetained: 3,
      },
      backoffLimit: 2,
      activeDeadline: Duration.minutes(10),
      serviceAccount: account,
      shell: { ...SHELL, scriptName: 'greeter', envVariables: { WHO: kplus.EnvValue.fromValue('world') } },
      resources: RESOURCES,
    });
    // THEN
    const cronJob = find(synth(chart), 'CronJob', 'hello');
    expect(cronJob.spec).toMatchObject({
      schedule: '30 4 * * *',
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 3,
      jobTemplate: { spec: { backoffLimit: 2, activeDeadlineSeconds: 600 } },
    });
    const pod = cronJob.spec.jobTemplate.spec.template.spec;
    expect(pod).toMatchObject({ serviceAccountName: 'pruner', automountServiceAccountToken: true, restartPolicy: 'Never' });
    expect(pod.containers[0].command).toEqual(['/bin/sh', '-c', 'echo "$0: $1"', 'greeter']);
    expect(pod.containers[0].env).toEqual([{ name: 'WHO', value: 'world' }]);
    expect(pod.containers[0].securityContext).toEqual(RESTRICTED);
  });

  test("the init containers' resources, in order, for the init containers the caller adds", () => {
    // GIVEN
    const chart = testChart();
    const small = { requests: { cpu: '1m', memory: '1Mi' }, limits: { cpu: '2m', memory: '2Mi' } };
    // WHEN
    const { workload, container } = restrictedShellJob(chart, 'Hello', {
      metadata: { name: 'hello' },
      podLabels: { app: 'hello' },
      backoffLimit: 0,
      activeDeadline: Duration.seconds(60),
      shell: SHELL,
      resources: RESOURCES,
      initContainerResources: [small],
    });
    workload.addInitContainer({ name: 'first', image: 'registry.example.com/sh:1', securityContext: { ensureNonRoot: true } });
    container.mount('/data', kplus.Volume.fromEmptyDir(workload, 'Data', 'data'), { readOnly: true });
    // THEN
    const pod = find(synth(chart), 'Job', 'hello').spec.template.spec;
    expect(pod.initContainers[0].resources).toEqual({ requests: { cpu: '1m', memory: '1Mi' }, limits: { cpu: '2m', memory: '2Mi' } });
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'data', mountPath: '/data', readOnly: true }]);
    expect(pod.volumes).toEqual([{ name: 'data', emptyDir: {} }]);
  });
});
