import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { eventually } from '@app/devstack';
import { afterEach, describe, expect, it } from 'vitest';

import {
  expectNothingLeft,
  freshTempFolder,
  launcherEnv,
  runLauncher,
  watchRegistrations,
  type LauncherRun,
} from '../support/launcher-run.js';

describe('the launcher, failing or stopped part-way through its start', () => {
  const cleanup: Array<() => void> = [];
  let run: LauncherRun | undefined;
  afterEach(() => {
    if (run?.child.exitCode === null) run.child.kill('SIGKILL');
    for (const undo of cleanup.splice(0)) undo();
  });
  const tempFolder = (): string => {
    const dir = freshTempFolder();
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  };

  it("stops the PostgreSQL it started when the broker's java cannot be spawned (an 'error' event)", async () => {
    const tmp = tempFolder();
    // A JAVA_HOME whose bin/java is not executable: spawn emits 'error' (EACCES).
    const javaHome = tempFolder();
    mkdirSync(join(javaHome, 'bin'));
    writeFileSync(join(javaHome, 'bin', 'java'), '#!/bin/sh\n', { mode: 0o644 });
    run = runLauncher(
      ['start', '--profile', 'test'],
      launcherEnv({ TMPDIR: tmp, JAVA_HOME: javaHome }),
    );
    const watch = watchRegistrations(run);

    const code = await run.exited;
    watch.stop();
    const java = join(javaHome, 'bin', 'java');
    expect(run.stderr().trim().split('\n')).toEqual([
      `[launcher] Kafka's storage format (${java}) could not be started: spawn ${java} EACCES`,
    ]);
    expect(code).toBe(1);
    // PostgreSQL (started in parallel) was up before the launcher gave up, and is gone.
    const postgres = [...watch.seen.values()].find((p) => p.name === 'postgres');
    expect(run.stdout()).toContain(`postgres ready on 127.0.0.1:`);
    expect(postgres, 'PostgreSQL recorded while it ran').toBeDefined();
    await expectNothingLeft(watch.seen.values(), [run.runFolder, tmp]);
  });

  it('stops what it had started when SIGTERM arrives during start-up', async () => {
    const tmp = tempFolder();
    run = runLauncher(['start', '--profile', 'test'], launcherEnv({ TMPDIR: tmp }));
    const watch = watchRegistrations(run);
    // Both servers spawned (recorded), the services not yet started.
    await eventually(
      () => ['postgres', 'kafka'].every((name) => run!.registered().some((p) => p.name === name)),
      { timeoutMs: 60_000, what: 'PostgreSQL and the broker to be spawned' },
    );
    expect(run.stdout()).not.toContain('all services ready');

    run.child.kill('SIGTERM');
    const code = await run.exited;
    watch.stop();
    expect(run.stderr().trim().split('\n')).toEqual([
      '[launcher] interrupted by SIGTERM during start-up; nothing left running',
    ]);
    expect(code).toBe(1);
    expect([...watch.seen.values()].map((p) => p.name)).toEqual(
      expect.arrayContaining(['postgres', 'kafka']),
    );
    await expectNothingLeft(watch.seen.values(), [run.runFolder, tmp]);
  });
});
