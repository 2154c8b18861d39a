import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { SERVICE_NAMES, TOPOLOGY } from '@app/contracts';
import { eventually, isAlive, projectRoot, runDir, type PidRecord } from '@app/devstack';
import { afterAll, describe, expect, it } from 'vitest';

import { processesMentioning } from '../support/launcher-run.js';

const PORT_OFFSET = 200;
/** `npm start`'s port of each service, before the offset. */
const SERVICES = Object.fromEntries(SERVICE_NAMES.map((s) => [s, TOPOLOGY[s].port]));

function withoutInfraSettings(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.KAFKA_BROKERS;
  delete env.DATABASE_URL;
  return env;
}

describe('npm run demo (the launcher, as a newcomer runs it)', () => {
  let launcher: ChildProcess | undefined;
  let output = '';

  afterAll(() => {
    if (launcher?.exitCode === null) launcher.kill('SIGKILL');
  });

  it('starts PostgreSQL, Kafka, the three services and the console, runs the demo, and Ctrl-C leaves nothing running', async () => {
    launcher = spawn(
      process.execPath,
      [
        join(projectRoot(), 'dist/tools/stack.js'),
        'demo',
        '--profile',
        'smoke',
        '--port-offset',
        String(PORT_OFFSET),
      ],
      // As a newcomer runs it: nothing to attach to, so it starts its own PostgreSQL and Kafka.
      { cwd: projectRoot(), stdio: ['ignore', 'pipe', 'pipe'], env: withoutInfraSettings() },
    );
    const exited = new Promise<number | null>((resolve) =>
      launcher!.on('exit', (code) => resolve(code)),
    );
    launcher.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    launcher.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));

    await eventually(
      () => output.includes('running; press Ctrl-C to stop.') || output.includes('Error'),
      {
        timeoutMs: 150_000,
        what: 'the demo to finish and the stack to keep running',
      },
    );
    expect(output).toContain('demo done.');
    expect(output).toMatch(/order-service\s+-> APPROVED/);
    expect(output).toMatch(/REJECTED \(INSUFFICIENT_CREDIT\)/);
    expect(output).toMatch(/REFUNDED \(PaymentRefunded\)/);
    expect(output).toMatch(/payment-service\.dlt <- reason malformed-bytes/);

    for (const [name, port] of Object.entries(SERVICES)) {
      const res = await fetch(`http://127.0.0.1:${port + PORT_OFFSET}/health/ready`);
      expect(res.status, `${name} ready`).toBe(200);
      const body = (await res.json()) as { details: Record<string, { status: string }> };
      expect(body.details.database?.status).toBe('up');
      expect(body.details.kafka?.status).toBe('up');
    }
    // The operator console is started with them, and the launcher says where it is.
    expect(output).toMatch(new RegExp(`console\\s+http://127\\.0\\.0\\.1:${3004 + PORT_OFFSET}`));
    const page = await fetch(`http://127.0.0.1:${3004 + PORT_OFFSET}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Order saga console');

    const pidDir = join(runDir('smoke'), 'pids');
    const started = readdirSync(pidDir).map(
      (f) => JSON.parse(readFileSync(join(pidDir, f), 'utf8')) as PidRecord,
    );
    expect(started.map((p) => p.name).sort()).toEqual(
      ['console', 'kafka', 'order-service', 'payment-service', 'postgres', 'read-model'].sort(),
    );
    expect(started.every((p) => isAlive(p.pid))).toBe(true);

    launcher.kill('SIGINT'); // what Ctrl-C sends
    expect(await exited).toBe(0);
    expect(output).toContain('[launcher] stopped.');

    expect(started.filter((p) => isAlive(p.pid)).map((p) => `${p.name} (${p.pid})`)).toEqual([]);
    expect(readdirSync(pidDir)).toEqual([]);
    // Nothing else of this run either: no broker on its config, no PostgreSQL on its data dir.
    expect(processesMentioning(join(runDir('smoke'), 'kafka'))).toEqual([]);
    expect(processesMentioning('orderlog-smoke-pg')).toEqual([]);
  });
});
