import { isMap, isScalar, parseDocument } from 'yaml';

/**
 * Environment files for the scaling series of `npm run bench`: `count` copies of one environment file, each a valid
 * environment of its own (see lib/program/environment-files.ts): the file name is the environment's name (a lower-case
 * DNS label of at most 20 characters), its namespace is its own (the default `<product>-<name>` follows the name; a
 * namespace the file sets gets the name as a suffix) and so is every host (the name as a first label).
 */
export function scaledEnvironmentFiles(baseText: string, baseName: string, count: number): Map<string, string> {
  if (!Number.isInteger(count) || count < 1) throw new Error(`count must be a whole number of at least 1 (got ${count})`);
  const digits = Math.max(3, String(count).length);
  const prefix = baseName.slice(0, 20 - digits);
  const base = parseDocument(baseText);
  if (base.errors.length > 0) throw new Error(`${baseName}.yaml: YAML error: ${base.errors[0].message.split('\n')[0]}`);
  const files = new Map<string, string>();
  for (let i = 1; i <= count; i++) {
    const name = `${prefix}${String(i).padStart(digits, '0')}`;
    const document = base.clone();
    const namespace = document.get('namespace');
    if (typeof namespace === 'string') document.set('namespace', `${namespace.slice(0, 62 - name.length).replace(/-+$/, '')}-${name}`);
    const hosts = document.get('hosts');
    if (isMap(hosts)) {
      for (const pair of hosts.items) {
        if (isScalar(pair.value) && typeof pair.value.value === 'string') pair.value.value = `${name}.${pair.value.value}`;
      }
    }
    files.set(`${name}.yaml`, document.toString());
  }
  return files;
}
