import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { eventually } from '@app/devstack';
import { e2eStack } from '../support/e2e-stack.js';
import { afterAll, describe, expect, it } from 'vitest';

import { ADMIN_TOKEN } from '../support/api.js';
import { http } from '../support/http.js';

const ST = process.env.SCHEMATHESIS_BIN ?? 'st';
const INSTALL = 'python3 -m pip install schemathesis==4.32.5 (what .ci/run does)';
const CONFIG = new URL('./schemathesis.toml', import.meta.url).pathname;
/** Examples per operation: enough to find what was wrong before, about two minutes in all. */
const MAX_EXAMPLES = 40;

interface StRun {
  code: number;
  output: string;
}

function runSt(args: string[], cwd: string): Promise<StRun> {
  return new Promise((resolve, reject) => {
    execFile(
      ST,
      args,
      {
        cwd,
        timeout: 240_000,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, NO_COLOR: '1' },
      },
      (error, stdout, stderr) => {
        if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
          reject(new Error(`schemathesis (\`${ST}\`) is not installed: ${INSTALL}`));
          return;
        }
        const code = error ? Number((error as { code?: unknown }).code ?? 1) : 0;
        resolve({ code: Number.isNaN(code) ? 1 : code, output: `${stdout}${stderr}` });
      },
    );
  });
}

/**
 * The OpenAPI documents tell the truth: schemathesis (property-based, every check) finds no
 * server error, no undocumented status, no schema-valid request refused and no invalid one
 * accepted, and 405 with Allow for undeclared methods, on each service of the running stack.
 */
describe('OpenAPI documents', () => {
  const stack = e2eStack();
  const work = mkdtempSync(join(tmpdir(), 'orderlog-schemathesis-'));

  afterAll(async () => {
    // Generated POST /admin/replay calls start rebuilds; the next spec gets a settled read model.
    await eventually(
      async () => {
        const status = await http<{ phase: string }>(
          'GET',
          `${stack.url('read-model')}/admin/replay`,
          { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
        );
        expect(['idle', 'done', 'failed']).toContain(status.body.phase);
        return status.body.phase;
      },
      { timeoutMs: 60_000, what: 'the replays schemathesis started to finish' },
    );
    rmSync(work, { recursive: true, force: true });
  });

  it.each(['order-service', 'payment-service', 'read-model'] as const)(
    '%s: schemathesis --checks all finds no failure',
    async (name) => {
      const run = await runSt(
        [
          '--config-file',
          CONFIG,
          'run',
          `${stack.url(name)}/docs-json`,
          '--checks',
          'all',
          '--seed',
          '20261126',
          '--max-examples',
          String(MAX_EXAMPLES),
          '--workers',
          '2',
          '--generation-database',
          'none',
          '--header',
          `Authorization: Bearer ${ADMIN_TOKEN}`,
          '--no-color',
        ],
        work,
      );
      const generated = /(\d+) generated/.exec(run.output)?.[1];
      console.log(`[schemathesis] ${name}: ${generated ?? '?'} test cases generated`);
      const at = run.output.search(/={5,} (FAILURES|ERRORS)/);
      const report = at >= 0 ? run.output.slice(at) : run.output.slice(-4000);
      expect(run.code, `schemathesis found problems in ${name}:\n${report}`).toBe(0);
      expect(Number(generated)).toBeGreaterThan(0);
    },
  );
});
