// secrets-in-plain-sight: private keys, tokens and passwords where anyone who can read the object (or the git
// repository) reads them: ConfigMap data and binaryData, annotations of every object and pod template, and literal
// container env values. Two kinds of evidence, in every environment:
// - a key name that says "secret" (password, token, api_key, client_secret, DB_PASSWORD, ...) with a literal value,
//   also for `key: value`, `key=value` and `"key": "value"` lines inside a ConfigMap's file (application.yaml, .env);
// - the content itself: a PEM private key block, a JSON Web Token, or a long random-looking string.
// The content, being more precise, is reported first; one finding per field.
// Findings name the object, the field and the kind of evidence, never the value.
import { fieldPath } from '../finding';
import { RawFinding, RuleCheck } from '../rule-context';
import { WAIVER_PREFIX } from '../rules';
import { containersOf, isMap, stringMap } from '../workloads';

/**
 * A string counts as random-looking from this many characters: shorter random passwords are caught by their key
 * name only. 32 characters of base64 carry 192 bits; API tokens (GitHub 40, AWS secret keys 40) are this long or longer.
 */
export const MIN_RANDOM_LENGTH = 32;
/**
 * Shannon entropy in bits per character from which a string counts as random. Measured (2,000 samples each): random
 * base64 of 32 characters scores 4.18 at its 1st percentile, 4.54 median (longer ones more); long identifiers and
 * names score less (`eaf-cdk8s-dvmm-production-api-v2` 4.05, `ApplicationControllerServiceAccount1` 3.82).
 */
export const MIN_RANDOM_ENTROPY = 4.2;

/** Last word(s) of a key name that say the value is a secret (the words of `DB_PASSWORD` are `db`, `password`). */
const SECRET_NAMES: ReadonlyArray<readonly string[]> = [
  ['password'],
  ['passwd'],
  ['pwd'],
  ['passphrase'],
  ['secret'],
  ['token'],
  ['apikey'],
  ['privatekey'],
  ['api', 'key'],
  ['private', 'key'],
  ['access', 'key'],
  ['secret', 'key'],
  ['signing', 'key'],
  ['encryption', 'key'],
];
/** Words of an annotation key that say the value is a digest of something, not the thing (`checksum/secret`). */
const DIGEST_WORDS = new Set(['checksum', 'hash', 'digest', 'sha256', 'sha']);
/**
 * Values that hold no secret: references resolved elsewhere (`${DB_PASSWORD}`, `$(TOKEN)`, `{{ .token }}`), flags,
 * nothing (`null`, `~`), and the start of a nested structure in a file (`"token": {`).
 */
const NOT_A_SECRET = /^(\$\{[^}]*\}|\$\([^)]*\)|true|false|yes|no|null|~|[{[].*)$/i;

const PEM_PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/;
/** PEM blocks that are public (certificates, public keys) and OpenSSH public keys: random-looking, but no secret. */
const PUBLIC_MATERIAL =
  /-----BEGIN ((?!PRIVATE)[A-Z0-9 ])+-----[\s\S]*?-----END [A-Z0-9 ]+-----|(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp\d+) [A-Za-z0-9+/=]+/g;
/**
 * Runs of base64url characters and dots, which a JWT (`header.payload.signature`) is one of. Matched greedily with no
 * alternative, so the scan is linear: a pattern of the three segments backtracked quadratically on a long run without
 * dots (a 256 KiB annotation took 200 s).
 */
const DOTTED_RUN = /[A-Za-z0-9_.-]+/g;
/** Whether a run has the shape of a JWT: three segments, the first two at least 10 characters. */
function jwtShaped(run: string): boolean {
  const segments = run.split('.');
  while (segments.length > 3 && segments[segments.length - 1] === '') segments.pop(); // a sentence's full stop
  return segments.length === 3 && segments[0].length >= 10 && segments[1].length >= 10;
}
const TOKEN = /[A-Za-z0-9+/=_-]+/g;
const HEX = /^[0-9a-fA-F-]+$/;
/** A line of a properties, YAML, .env or JSON file: `key: value`, `key=value`, `"key": "value"`. */
const FILE_LINE = /^\s*(?:export\s+)?"?([A-Za-z0-9_.-]+)"?\s*[:=]\s*(.*?)\s*,?\s*$/;

/** The lower-case words of a key name: split at `_ - . /`, spaces and camelCase humps. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/** Whether a key name says its value is a secret: it ends in one of {@link SECRET_NAMES}. */
export function isSecretName(key: string): boolean {
  const words = keyWords(key);
  return SECRET_NAMES.some((name) => name.every((w, i) => words[words.length - name.length + i] === w));
}

/** A literal value that could be a secret: not empty, not a reference, not a flag. */
function isLiteral(value: string): boolean {
  const v = value.replace(/^["']|["']$/g, '').trim();
  return v !== '' && !NOT_A_SECRET.test(v);
}

/** Shannon entropy of a string, in bits per character. */
export function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

/** Whether a candidate `header.payload.signature` is a JWT: its header is base64url of JSON naming an `alg`. */
function isJwt(candidate: string): boolean {
  try {
    const header: unknown = JSON.parse(Buffer.from(candidate.split('.')[0], 'base64url').toString('utf8'));
    return isMap(header) && typeof header.alg === 'string';
  } catch {
    return false; // not JSON: no JWT
  }
}

/** Whether a token looks random: long, of mixed case and digits, not hex (digests, checksums, UUIDs), high entropy. */
export function isRandom(token: string): boolean {
  return (
    token.length >= MIN_RANDOM_LENGTH &&
    !HEX.test(token) &&
    /[a-z]/.test(token) &&
    /[A-Z]/.test(token) &&
    /[0-9]/.test(token) &&
    entropy(token) >= MIN_RANDOM_ENTROPY
  );
}

/** What the content of a value gives away, if anything: a PEM private key, a JWT, a random-looking string. */
export function secretContent(value: string, random = true): string | undefined {
  if (PEM_PRIVATE_KEY.test(value)) return 'a PEM private key block';
  if ((value.match(DOTTED_RUN) ?? []).some((run) => jwtShaped(run) && isJwt(run))) return 'a JSON Web Token';
  if (random && (value.replace(PUBLIC_MATERIAL, ' ').match(TOKEN) ?? []).some(isRandom)) return 'a random-looking string (a key or token)';
  return undefined;
}

/** The names of secret keys with literal values in the lines of a file held as one value, with their line numbers. */
function secretLines(text: string): string[] {
  return text.split('\n').flatMap((line, i) => {
    const m = FILE_LINE.exec(line);
    return m !== null && isSecretName(m[1]) && isLiteral(m[2]) ? [`${m[1]} (line ${i + 1})`] : [];
  });
}

const WITHHELD = '(value withheld)';
const CONFIG_FIX =
  'move the value into a Secret the cluster provides (Sealed Secrets, External Secrets) and reference it by name: ' +
  'env valueFrom.secretKeyRef, envFrom.secretRef or a secret volume';
const ANNOTATION_FIX = 'remove the value from the annotation; keep it in a Secret the cluster provides and reference the Secret by name';
const ENV_FIX = 'reference a Secret instead of a literal: valueFrom.secretKeyRef { name: <secret>, key: <key> } (the cluster provides the Secret)';

export const secretsInPlainSight: RuleCheck = (ctx) => {
  const out: RawFinding[] = [];
  const report = (index: number, path: Array<string | number | { name: string }>, evidence: string, fix: string) =>
    out.push({ index, rule: 'secrets-in-plain-sight', message: `${fieldPath(path)}: holds ${evidence} in plain sight`, value: WITHHELD, fix });
  for (const { object, index } of ctx.objectsOf('', 'ConfigMap')) {
    for (const [key, value] of Object.entries(stringMap(object.data))) {
      const content = secretContent(value);
      const lines = secretLines(value);
      if (content !== undefined) report(index, ['data', key], content, CONFIG_FIX);
      else if (isSecretName(key) && isLiteral(value)) report(index, ['data', key], `a literal value under a secret key name (${key})`, CONFIG_FIX);
      else if (lines.length > 0) report(index, ['data', key], `literal values under secret key names: ${lines.join(', ')}`, CONFIG_FIX);
    }
    for (const [key, value] of Object.entries(stringMap(object.binaryData))) {
      // binary content is random by nature: only the key name and text patterns in the decoded bytes count
      const content = secretContent(Buffer.from(value, 'base64').toString('latin1'), false);
      if (content !== undefined) report(index, ['binaryData', key], content, CONFIG_FIX);
      else if (isSecretName(key) && value !== '') report(index, ['binaryData', key], `a literal value under a secret key name (${key})`, CONFIG_FIX);
    }
  }
  ctx.set.objects.forEach((object, index) => annotations(stringMap(object?.metadata?.annotations), ['metadata', 'annotations'], index, report));
  for (const pod of ctx.templates) {
    // a bare Pod's metadata is the object's own, already read
    if (pod.metadataPath.length > 1) annotations(pod.annotations, [...pod.metadataPath, 'annotations'], pod.index, report);
    for (const { container, path } of containersOf(pod)) {
      for (const env of Array.isArray(container.env) ? container.env : []) {
        if (!isMap(env) || typeof env.value !== 'string' || typeof env.name !== 'string') continue;
        const where = [...path, 'env', { name: env.name }, 'value'];
        const content = secretContent(env.value);
        if (content !== undefined) report(pod.index, where, content, ENV_FIX);
        else if (isSecretName(env.name) && isLiteral(env.value))
          report(pod.index, where, `a literal value under a secret name (${env.name})`, ENV_FIX);
      }
    }
  }
  return out;
};

function annotations(
  values: Record<string, string>,
  at: Array<string | number>,
  index: number,
  report: (index: number, path: Array<string | number>, evidence: string, fix: string) => void,
): void {
  for (const [key, value] of Object.entries(values)) {
    const named = !key.startsWith(WAIVER_PREFIX) && !keyWords(key).some((w) => DIGEST_WORDS.has(w)) && isSecretName(key) && isLiteral(value);
    const content = secretContent(value);
    if (content !== undefined) report(index, [...at, key], content, ANNOTATION_FIX);
    else if (named) report(index, [...at, key], `a literal value under a secret key name (${key})`, ANNOTATION_FIX);
  }
}
