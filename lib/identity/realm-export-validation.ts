import { validateEndpoint } from '../core/connections';
import { isFiveFieldCron, longestCronGapSeconds, whyFiveFieldCronNeverRuns } from '../core/cron';
import { PropertyProblems } from '../core/errors';
import { DNS_NAME, HTTPS_URL, IMAGE_REFERENCE, S3_PATH } from '../core/formats';
import { ContainerResources, validateResources } from '../pods/pod-template';
import type { RealmExport, RealmExportProps } from './realm-export';

/** Realm names the export writes to a file and an object name as they are. */
const REALM_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Object-key characters a URL carries unencoded (and S3 signs as they are). */
const KEY_PATH = /^[A-Za-z0-9._/-]*$/;
/** An AWS region name, as SigV4 signs it. */
const REGION = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** A realm export's settings, its props' or those derived from the Keycloak database's backup. */
export interface RealmExportSettings {
  readonly schedule: string;
  readonly maxGapSeconds: number;
  readonly destinationPath?: string;
  readonly endpointUrl?: string;
  readonly credentialsSecret?: string;
  readonly region: string;
  readonly image: string;
  readonly resources: ContainerResources;
}

/**
 * Checks a realm export's settings and throws every problem at once: the schedule (daily at least), the realm name,
 * where the exports go and with which keys, the region, the image, the resources and the object store's addresses.
 */
export function validateRealmExport(realmExport: RealmExport, props: RealmExportProps, settings: RealmExportSettings): void {
  const problems = new PropertyProblems(realmExport);
  checkSchedule(problems, props, settings);
  if (!REALM_NAME.test(props.realm)) {
    problems.add(
      'realm',
      'is not a realm name the export can use as a file and object name',
      props.realm,
      'use letters, digits, ., _ and -, starting with a letter or digit',
    );
  }
  checkDestination(problems, settings);
  if (!REGION.test(settings.region)) problems.add('region', 'is not a region name', props.region, 'use a region such as us-east-1');
  if (!IMAGE_REFERENCE.test(settings.image)) {
    problems.add('image', 'is not an image reference with a tag or digest', settings.image, IMAGE_REFERENCE.fix);
  }
  problems.check(() => validateResources(realmExport, settings.resources));
  problems.check(() => validateEndpoint(realmExport, 'objectStore', props.objectStore));
  problems.throwIfAny();
}

/** A 5-field cron that runs at least as often as the platform asks. */
function checkSchedule(problems: PropertyProblems, props: RealmExportProps, settings: RealmExportSettings): void {
  const neverRuns = whyFiveFieldCronNeverRuns(settings.schedule);
  if (neverRuns !== undefined) {
    problems.add('schedule', `never runs: ${neverRuns}`, props.schedule, "use a day every month has (1 to 28), e.g. '0 3 * * *' for 03:00 daily");
    return;
  }
  if (!isFiveFieldCron(settings.schedule)) {
    problems.add('schedule', 'is not a 5-field cron', props.schedule, "use minute hour day month weekday (UTC), e.g. '0 3 * * *'");
    return;
  }
  const gap = longestCronGapSeconds(`0 ${settings.schedule}`);
  if (gap > settings.maxGapSeconds) {
    problems.add(
      'schedule',
      `runs less often than daily (up to ${gap / 86400} days apart)`,
      props.schedule,
      "the platform exports the realm daily: use a schedule that runs every day, e.g. '0 3 * * *'",
    );
  }
}

/** Where the exports go: an s3:// path an object name can carry, an https:// endpoint, and the Secret with the keys. */
function checkDestination(problems: PropertyProblems, settings: RealmExportSettings): void {
  const { destinationPath, endpointUrl, credentialsSecret } = settings;
  if (destinationPath === undefined) {
    problems.add(
      'destinationPath',
      'is required: the Keycloak database has no backup to derive it from',
      destinationPath,
      'give destinationPath (s3://<bucket>/<path>), or configure a backup of the Keycloak database',
    );
  } else if (!S3_PATH.test(destinationPath)) {
    problems.add('destinationPath', 'is not an s3:// URL', destinationPath, S3_PATH.fix);
  } else if (!KEY_PATH.test(destinationPath.slice('s3://'.length))) {
    problems.add(
      'destinationPath',
      'has characters an object name cannot carry unencoded',
      destinationPath,
      'use letters, digits, ., _, - and / in the path',
    );
  }
  if (endpointUrl !== undefined && !HTTPS_URL.test(endpointUrl)) {
    problems.add('endpointUrl', 'is not an https:// URL', endpointUrl, 'use the https:// endpoint of the object store');
  }
  if (credentialsSecret === undefined) {
    problems.add(
      'credentialsSecret',
      'is required: the Keycloak database has no backup to take it from',
      credentialsSecret,
      'name the Secret holding ACCESS_KEY_ID and ACCESS_SECRET_KEY',
    );
  } else if (!DNS_NAME.test(credentialsSecret)) {
    problems.add('credentialsSecret', 'is not a Secret name', credentialsSecret, DNS_NAME.fix);
  }
}
