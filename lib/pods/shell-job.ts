import { ApiObject, ApiObjectMetadata, Cron, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerResources, finishPodTemplate, RESTRICTED_CONTAINER } from './pod-template';

/**
 * The recipe of the library's small jobs (the snapshot pruner, the smoke test, the realm export): a Job or CronJob whose
 * one container runs a shell script, restricted (non-root pod, the restricted container context, pulled each time), its
 * resources written exactly as given, no retry beyond `backoffLimit`, and a service-account token only for a job that
 * calls the API server.
 */

/** When a {@link restrictedShellJob} runs on a schedule: then it is a CronJob that never overlaps itself. */
export interface ShellJobSchedule {
  /** When it runs. */
  readonly cron: Cron;
  /** The zone `cron` is read in. @default - the controller manager's zone */
  readonly timeZone?: string;
  /** How late a missed run may still start. */
  readonly startingDeadline: Duration;
  /** Finished Jobs kept. */
  readonly successfulJobsRetained: number;
  /** Failed Jobs kept (for their logs). */
  readonly failedJobsRetained: number;
}

/** The container of a {@link restrictedShellJob}: `/bin/sh -c <script> <scriptName> <args...>`. */
export interface ShellStep {
  /** The container's name. */
  readonly name: string;
  /** An image with `/bin/sh` and what the script calls. */
  readonly image: string;
  /** The script, on one line (a manifest stays on the fast YAML path). */
  readonly script: string;
  /** The script's `$0`, in its messages and the process list. @default - the container's name */
  readonly scriptName?: string;
  /** The script's arguments. */
  readonly args: readonly string[];
  /** Its environment. @default - none */
  readonly envVariables?: Record<string, kplus.EnvValue>;
}

/** Props of {@link restrictedShellJob}. */
export interface RestrictedShellJobProps {
  /** The Job's (or CronJob's) metadata. */
  readonly metadata: ApiObjectMetadata;
  /** The pods' labels: what network policies select. */
  readonly podLabels: Record<string, string>;
  /** A CronJob on this schedule. @default - a Job, run once */
  readonly schedule?: ShellJobSchedule;
  /** Pods retried after a failure before the Job fails. */
  readonly backoffLimit: number;
  /** How long the whole Job may take, retries included. */
  readonly activeDeadline: Duration;
  /** The account of a job that calls the API server: its token is mounted. @default - none, and no token mounted */
  readonly serviceAccount?: kplus.IServiceAccount;
  /** The shell step. */
  readonly shell: ShellStep;
  /** The shell step's requests and limits. */
  readonly resources: ContainerResources;
  /** The requests and limits of the init containers the caller adds, in order. @default - none */
  readonly initContainerResources?: readonly ContainerResources[];
}

/** What {@link restrictedShellJob} made: the cdk8s-plus objects stay inside the library. */
export interface RestrictedShellJob {
  /** The Job or CronJob, for init containers and volumes. */
  readonly workload: kplus.Job | kplus.CronJob;
  /** The shell step's container, for mounts. */
  readonly container: kplus.Container;
  /** The rendered object. */
  readonly apiObject: ApiObject;
}

/** A Job (or, with `schedule`, a CronJob) at `scope`/`id` running one restricted shell step. */
export function restrictedShellJob(scope: Construct, id: string, props: RestrictedShellJobProps): RestrictedShellJob {
  const jobProps: kplus.JobProps = {
    metadata: props.metadata,
    backoffLimit: props.backoffLimit,
    activeDeadline: props.activeDeadline,
    podMetadata: { labels: props.podLabels },
    restartPolicy: kplus.RestartPolicy.NEVER,
    securityContext: { ensureNonRoot: true },
    serviceAccount: props.serviceAccount,
    automountServiceAccountToken: props.serviceAccount !== undefined,
  };
  const schedule = props.schedule;
  const workload =
    schedule === undefined
      ? new kplus.Job(scope, id, jobProps)
      : new kplus.CronJob(scope, id, {
          ...jobProps,
          schedule: schedule.cron,
          timeZone: schedule.timeZone,
          concurrencyPolicy: kplus.ConcurrencyPolicy.FORBID,
          startingDeadline: schedule.startingDeadline,
          successfulJobsRetained: schedule.successfulJobsRetained,
          failedJobsRetained: schedule.failedJobsRetained,
        });
  const shell = props.shell;
  const container = workload.addContainer({
    name: shell.name,
    image: shell.image,
    command: ['/bin/sh', '-c', shell.script, shell.scriptName ?? shell.name],
    args: [...shell.args],
    envVariables: shell.envVariables,
    imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
    securityContext: RESTRICTED_CONTAINER,
  });
  const apiObject = finishPodTemplate(workload, props.resources, props.initContainerResources);
  return { workload, container, apiObject };
}
