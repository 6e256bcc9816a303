// Operators copy .env.example to .env beside docker-compose.yml, but compose hands a container
// only the variables its `environment:` names: a setting missing there is silently ignored
// (ADMIN_PASSWORD and LOG_LEVEL once were). Every setting must pass through, except those the
// compose file sets itself or that only make sense outside a container.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../../', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, root), 'utf8');

/** Set by the compose file itself, or meaningless inside its container. */
const NOT_PASSED = new Set([
  'PORT', // mapped to the host's PORT instead
  'HOST',
  'DATABASE_URL', // the compose file's own database
  'DATA_DIR', // the image's /data
  'WEB_DIST_DIR', // the image's built web app
  'METRICS_PORT', // would need its own port mapping; /metrics answers admins on the main port
]);

describe('docker-compose.yml', () => {
  it('passes every setting of .env.example through to the server', () => {
    const settings = [...read('.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map(
      (match) => match[1]!,
    );
    expect(settings.length).toBeGreaterThan(10);
    const compose = read('docker-compose.yml');
    const missing = [...new Set(settings)].filter(
      (name) => !NOT_PASSED.has(name) && !new RegExp(`^\\s+${name}: \\$\\{${name}[:?-]`, 'm').test(compose),
    );
    expect(missing).toEqual([]);
  });
});
