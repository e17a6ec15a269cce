import { PropertyProblems } from '../core/errors';
import { ContainerResources, validateResources } from '../pods/pod-template';
import type { Keycloak, KeycloakProps } from './keycloak';

/**
 * Checks a Keycloak's resolved settings and its props, and throws every problem at once: the backend, instances,
 * resources and image, and a realm to import (no secret values, every placeholder filled).
 */
export function validateKeycloak(keycloak: Keycloak, props: KeycloakProps, resources: ContainerResources): void {
  const problems = new PropertyProblems(keycloak);
  if (!['operator', 'workload'].includes(keycloak.backend)) {
    problems.add('backend', 'is not a known Keycloak backend', props.backend, "use 'operator' or 'workload'");
  }
  if (!Number.isInteger(keycloak.instances) || keycloak.instances < 1) {
    problems.add('instances', 'must be a whole number of at least 1', props.instances, 'set instances to 1 or more');
  }
  problems.check(() => validateResources(keycloak, resources));
  if (keycloak.backend === 'workload' && props.image === undefined) {
    problems.add(
      'image',
      'is required for the workload backend',
      props.image,
      'build an optimized image (kc.sh build --db=postgres --health-enabled=true --metrics-enabled=true) and set image to it',
    );
  }
  if (keycloak.backend === 'workload' && props.realm) {
    problems.add('realm', 'can only be imported by the operator backend', '(realm)', "use backend 'operator' or import the realm with the admin CLI");
  }
  if (props.realm) checkRealm(problems, props.realm, props.realmPlaceholders ?? {});
  problems.throwIfAny();
}

/** A realm to import: no secret values, and a Secret key for each of its `${NAME}` placeholders. */
function checkRealm(problems: PropertyProblems, realm: Record<string, unknown>, placeholders: Record<string, unknown>): void {
  findSecrets(realm).forEach(([here, problem, fix]) => problems.add(here, problem, '(redacted)', fix));
  const missing = [...new Set([...JSON.stringify(realm).matchAll(/\$\{([A-Za-z0-9_.-]+)\}/g)].map((m) => m[1]))].filter(
    (name) => !(name in placeholders),
  );
  for (const name of missing) {
    problems.add(
      'realmPlaceholders',
      `lacks the realm's placeholder ${name}`,
      Object.keys(placeholders),
      `add ${name}: { secretName, key } to realmPlaceholders`,
    );
  }
}

const SECRET_KEY = /(secret|password|credential|privatekey|private_key)/i;
const PLACEHOLDER = /^\$\{[A-Za-z0-9_.-]+\}$/;

/**
 * Every secret value in a realm, as `[path, problem, fix]`: a value under a secret-like key (client secrets,
 * passwords, private keys, bind credentials, identity-provider secrets) that is not empty or a `${VAR}`
 * placeholder, in string form or in the string-array form of Keycloak's export (`config: { privateKey: ["..."] }`),
 * and user credentials.
 */
function findSecrets(realm: unknown, path = 'realm'): Array<[string, string, string]> {
  if (Array.isArray(realm)) return realm.flatMap((item, i) => findSecrets(item, `${path}[${i}]`));
  if (realm === null || typeof realm !== 'object') return [];
  return Object.entries(realm).flatMap(([key, value]): Array<[string, string, string]> => {
    const here = `${path}.${key}`;
    if (!SECRET_KEY.test(key)) return findSecrets(value, here);
    if (key.toLowerCase() === 'credentials' && Array.isArray(value) && value.length > 0) {
      return [[here, 'holds credentials', 'remove user credentials from the realm file; users set them on first login']];
    }
    // a string, or the strings of an array (Keycloak's export writes component config values as string arrays)
    const values = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    if (values.some((v) => v !== '' && !PLACEHOLDER.test(v))) {
      return [[here, 'holds a secret value', 'remove it from the realm file and use a ${PLACEHOLDER} filled from a Secret']];
    }
    return findSecrets(value, here);
  });
}
