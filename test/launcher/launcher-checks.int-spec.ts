import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort, isRoot } from '@app/devstack';
import { afterEach, describe, expect, it } from 'vitest';

import {
  expectNothingLeft,
  freshTempFolder,
  launcherEnv,
  runLauncher,
  watchRegistrations,
  type LauncherRun,
} from '../support/launcher-run.js';

/** A port on loopback where nothing listens (the OS just handed it out and took it back). */
const nothingListensOn = freePort;

describe('the launcher, checking before it starts anything', () => {
  const cleanup: Array<() => void> = [];
  let run: LauncherRun | undefined;
  afterEach(() => {
    if (run?.child.exitCode === null) run.child.kill('SIGKILL');
    for (const undo of cleanup.splice(0)) undo();
  });

  async function expectOneLineFailure(
    env: NodeJS.ProcessEnv,
    line: RegExp,
  ): Promise<{ run: LauncherRun; tmp: string }> {
    const tmp = freshTempFolder();
    cleanup.push(() => rmSync(tmp, { recursive: true, force: true }));
    run = runLauncher(['start', '--profile', 'test'], launcherEnv({ TMPDIR: tmp, ...env }));
    const watch = watchRegistrations(run);
    const code = await run.exited;
    watch.stop();
    expect(run.stderr().trim().split('\n')).toEqual([expect.stringMatching(line)]);
    expect(code).toBe(1);
    expect(run.stdout()).not.toContain('all services ready');
    // Checked first: nothing was ever started, and nothing of this run is left.
    expect([...watch.seen.values()]).toEqual([]);
    await expectNothingLeft(watch.seen.values(), [run.runFolder, tmp]);
    return { run, tmp };
  }

  it('names KAFKA_BROKERS, the address and the error when no broker answers there', async () => {
    const port = await nothingListensOn();
    await expectOneLineFailure(
      { KAFKA_BROKERS: `127.0.0.1:${port}` },
      new RegExp(
        `^\\[launcher\\] KAFKA_BROKERS=127\\.0\\.0\\.1:${port}: no Kafka broker answered a ` +
          `metadata request \\(3 attempts in [\\d.]+ s\\): .*ECONNREFUSED 127\\.0\\.0\\.1:${port}$`,
      ),
    );
  });

  it('names DATABASE_URL (password hidden), and the error when no PostgreSQL answers there', async () => {
    const port = await nothingListensOn();
    await expectOneLineFailure(
      { DATABASE_URL: `postgres://me:secret@127.0.0.1:${port}/postgres` },
      new RegExp(
        `^\\[launcher\\] DATABASE_URL=postgres://me:\\*\\*\\*@127\\.0\\.0\\.1:${port}/postgres: ` +
          `could not connect and run SELECT 1: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}$`,
      ),
    );
  });

  // Only root hands PostgreSQL to another OS user; a normal user runs it as itself.
  it.runIf(isRoot())(
    'says which folder to open when, as root, PostgreSQL could not reach its data directory',
    async () => {
      const closed = mkdtempSync(join(tmpdir(), 'orderlog-0700-')); // mkdtemp: mode 0700
      cleanup.push(() => rmSync(closed, { recursive: true, force: true }));
      const tmp = join(closed, 'tmp');
      await expectOneLineFailure(
        { TMPDIR: tmp },
        new RegExp(
          `^\\[launcher\\] PostgreSQL runs as OS user "postgres", which cannot enter ${closed} ` +
            `\\(mode 0700, owner root\\) on the way to the temp folder ${tmp}: point TMPDIR at ` +
            `a folder it can reach \\(e\\.g\\. TMPDIR=/tmp\\), or \`chmod o\\+x ${closed}\`$`,
        ),
      );
    },
  );
});
