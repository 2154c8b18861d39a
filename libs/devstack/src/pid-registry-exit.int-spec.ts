import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { eventually } from './eventually.js';
import { isAlive } from './pid-registry.js';
import { projectRoot } from './project-paths.js';

/**
 * A runner (as a vitest worker is) that records a long-running child in a PidRegistry of its
 * own, optionally hooks stopEverythingAtExit, prints the child's pid and waits. The compiled
 * registry is used: the runner is a plain node process, as the test runner's workers are.
 */
function startRunner(folder: string, hooked: boolean) {
  const registry = join(projectRoot(), 'dist/libs/devstack/src/pid-registry.js');
  const script = `
    import { spawn } from 'node:child_process';
    import { PidRegistry } from ${JSON.stringify(registry)};
    const marker = 'exit-spec-' + process.pid;
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)', marker], { stdio: 'ignore' });
    child.unref();
    const registry = new PidRegistry(${JSON.stringify(folder)});
    registry.record({ name: 'service', pid: child.pid, marker });
    ${hooked ? 'PidRegistry.stopEverythingAtExit({ exitOnSignals: true });' : ''}
    console.log('CHILD ' + child.pid);
    setInterval(() => {}, 1000);`;
  const runner = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const child = new Promise<number>((resolve) => {
    runner.stdout.on('data', (chunk: Buffer) => {
      const match = /CHILD (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
  });
  const exit = new Promise<number | null>((resolve) => runner.on('exit', (code) => resolve(code)));
  return { runner, child, exit };
}

describe('PidRegistry.stopEverythingAtExit', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const fn of cleanup.splice(0)) fn();
  });
  const folder = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'pid-registry-exit-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  };
  const killLater = (pid: number) =>
    cleanup.push(() => {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    });

  it('a runner stopped with SIGTERM takes what it started with it (exit 143)', async () => {
    const { runner, child, exit } = startRunner(folder(), true);
    const pid = await child;
    killLater(pid);

    runner.kill('SIGTERM');

    expect(await exit).toBe(143);
    await eventually(() => !isAlive(pid), { what: 'the recorded child to be stopped' });
  });

  it('without the hook, the same child outlives its runner (what the hook is for)', async () => {
    const { runner, child, exit } = startRunner(folder(), false);
    const pid = await child;
    killLater(pid);

    runner.kill('SIGTERM');
    await exit;
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    expect(isAlive(pid)).toBe(true);
  });
});
