import * as fs from 'fs';
import * as path from 'path';
import { EAF_API_DEFAULTS, EAF_FRONTEND_DEFAULTS, EAF_HTTP_WORKLOAD_DEFAULTS, KEYCLOAK_DEFAULTS, POSTGRES_DEFAULTS } from '../lib';

const REPO = path.join(__dirname, '..');

describe('the public API (lib/index.ts)', () => {
  test('exports by name: no wildcard re-export, so no internal helper leaks', () => {
    const text = fs.readFileSync(path.join(REPO, 'lib', 'index.ts'), 'utf8');
    expect(text).not.toMatch(/export \*/);
    expect(text).toMatch(/export \{ defineProduct, isProduct, ProductDefinitionError, productNamespaceName \} from '\.\/product\/product';/);
  });

  test('platform defaults are frozen: a consumer overrides them through props, never by mutation', () => {
    for (const defaults of [EAF_API_DEFAULTS, EAF_FRONTEND_DEFAULTS, EAF_HTTP_WORKLOAD_DEFAULTS, KEYCLOAK_DEFAULTS, POSTGRES_DEFAULTS]) {
      expect(Object.isFrozen(defaults)).toBe(true);
      expect(Object.isFrozen(defaults.resources.requests)).toBe(true);
    }
    expect(() => {
      (POSTGRES_DEFAULTS as any).version = '9.6';
    }).toThrow(TypeError);
    expect(POSTGRES_DEFAULTS.version).toBe('16.10');
  });
});
