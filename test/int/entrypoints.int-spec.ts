import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { SERVICES, projectRoot } from '@app/devstack';
import { describe, expect, it } from 'vitest';

/**
 * The services run from dist/ under Node's own ESM loader, which is stricter than the test
 * runner's (a named import that a CommonJS package does not expose statically fails only
 * there). Loading each built module graph catches that before anything starts.
 */
describe('built entry points load under Node', () => {
  for (const service of SERVICES) {
    it(`${service.name}: ${service.entry.replace('main.js', '*.module.js')} links`, () => {
      const module = join(
        projectRoot(),
        service.entry.replace('main.js', `${service.name}.module.js`),
      );
      const result = spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `await import(${JSON.stringify(pathToFileURL(module).href)});`,
        ],
        {
          encoding: 'utf8',
          env: { ...process.env, DATABASE_URL: 'postgres://unused@127.0.0.1:1/x' },
        },
      );
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    });
  }
});
