import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { eventually } from './eventually.js';
import { PidRegistry, isAlive } from './pid-registry.js';

/** A real process whose command line carries `marker` (as a broker carries its config path). */
function sleeper(marker: string): number {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)', marker], {
    stdio: 'ignore',
  });
  child.unref();
  return child.pid!;
}

describe('PidRegistry', () => {
  const dirs: string[] = [];
  const pids: number[] = [];
  afterEach(() => {
    for (const pid of pids.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const runFolder = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'pid-registry-spec-'));
    dirs.push(dir);
    return dir;
  };

  describe('stopAll', () => {
    it('stops what it recorded and removes the folders only that process used', async () => {
      const dir = runFolder();
      const registry = new PidRegistry(dir);
      const data = join(dir, 'data');
      mkdirSync(data);
      const pid = sleeper(data);
      pids.push(pid);
      registry.record({ name: 'db', pid, marker: data, removeWhenStopped: [data] });

      const stopped = await registry.stopAll(2_000);

      expect(stopped.map((e) => e.name)).toEqual(['db']);
      await eventually(() => !isAlive(pid), { what: 'the recorded process to exit' });
      expect(existsSync(data)).toBe(false);
      expect(registry.list()).toEqual([]);
    });

    it("leaves another registry's processes alone in the same run folder", async () => {
      const dir = runFolder();
      const mine = new PidRegistry(dir);
      const theirs = new PidRegistry(dir);
      const marker = `theirs-${process.pid}-${Date.now()}`;
      const pid = sleeper(marker);
      pids.push(pid);
      theirs.record({ name: 'kafka', pid, marker });

      expect(await mine.stopAll(2_000)).toEqual([]);
      expect(isAlive(pid)).toBe(true);
    });

    it('kills a process recorded after it ran: a start still in flight cannot leak', async () => {
      const registry = new PidRegistry(runFolder());
      await registry.stopAll(2_000);
      const marker = `late-${process.pid}-${Date.now()}`;
      const pid = sleeper(marker);
      pids.push(pid);

      registry.record({ name: 'late', pid, marker });

      await eventually(() => !isAlive(pid), { what: 'the late process to be killed' });
      expect(registry.list()).toEqual([]);
    });
  });
});
