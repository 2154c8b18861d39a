import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Pid files of the processes one launcher profile started. Each records a marker that
 * appears in the process's command line (a data directory, a config path), so a stale
 * file never makes us signal an unrelated process that reused the pid.
 */
export interface PidRecord {
  name: string;
  pid: number;
  marker: string;
  /** What stops it cleanly (PostgreSQL: SIGINT, a fast shutdown); SIGTERM when absent. */
  stopSignal?: NodeJS.Signals;
  /** Folders that only this process used (a data directory), removed once it is stopped. */
  removeWhenStopped?: string[];
}

/** Every registry of this process, so a last-resort handler can stop what each started. */
const live = new Set<PidRegistry>();
let exitHooked = false;
let signalsHooked = false;

export class PidRegistry {
  private readonly dir: string;
  private closed = false;
  /** What this instance recorded (name -> pid): stopAll() never touches other launchers'. */
  private readonly started = new Map<string, number>();

  constructor(runDirectory: string) {
    this.dir = join(runDirectory, 'pids');
    mkdirSync(this.dir, { recursive: true });
    live.add(this);
  }

  /**
   * For a process that starts stacks but may end without stopping them (a test runner:
   * vitest answers SIGTERM and Ctrl-C with process.exit, so no global teardown runs):
   * when the process exits, everything its registries recorded and did not stop yet gets its
   * stop signal by pid, so it shuts down by itself instead of outliving the process. Exit
   * handlers cannot wait; after a normal teardown nothing is left to signal.
   */
  static stopEverythingAtExit(opts: { exitOnSignals?: boolean } = {}): void {
    if (!exitHooked) {
      exitHooked = true;
      process.on('exit', () => {
        for (const registry of live) registry.signalRunning();
      });
    }
    // A process that would otherwise die of the signal without an 'exit' event (a vitest
    // worker, which its runner stops with SIGTERM) exits instead, so the hook above runs.
    if (opts.exitOnSignals && !signalsHooked) {
      signalsHooked = true;
      for (const [name, number] of [
        ['SIGTERM', 15],
        ['SIGINT', 2],
        ['SIGHUP', 1],
      ] as const)
        process.on(name, () => process.exit(128 + number));
    }
  }

  /** Stops what every registry of this process started (see stopAll). */
  static async stopEverythingStarted(): Promise<PidRecord[]> {
    const stopped = await Promise.all([...live].map((registry) => registry.stopAll()));
    return stopped.flat();
  }

  /**
   * Records a process this launcher started. After stopAll() nothing may start any more:
   * a start-up still in flight when the launcher gave up has its process killed on the
   * spot instead of leaking it.
   */
  record(entry: PidRecord): void {
    if (this.closed) {
      signal(entry.pid, 'SIGKILL');
      return;
    }
    this.started.set(entry.name, entry.pid);
    writeFileSync(join(this.dir, `${entry.name}.json`), JSON.stringify(entry));
  }

  /**
   * Drops a pid file; with `pid`, only while it still names that process (a replacement
   * instance under the same name must keep its own).
   */
  forget(name: string, pid?: number): void {
    const file = join(this.dir, `${name}.json`);
    if (pid !== undefined) {
      try {
        if ((JSON.parse(readFileSync(file, 'utf8')) as PidRecord).pid !== pid) return;
      } catch {
        return;
      }
    }
    rmSync(file, { force: true });
  }

  list(): PidRecord[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .flatMap((f) => {
        try {
          return [JSON.parse(readFileSync(join(this.dir, f), 'utf8')) as PidRecord];
        } catch {
          return [];
        }
      });
  }

  /**
   * Done with this registry without stopping anything (one opened only to reap another run's
   * leftovers): the exit hook no longer signals what its folder lists.
   */
  close(): void {
    this.closed = true;
    live.delete(this);
  }

  /** Kills what a crashed earlier run of this profile left behind; returns what it reaped. */
  async reapStale(only: (entry: PidRecord) => boolean = () => true): Promise<PidRecord[]> {
    const reaped: PidRecord[] = [];
    for (const entry of this.list().filter(only)) {
      if (isOurs(entry)) {
        signal(entry.pid, 'SIGKILL');
        await waitForExit(entry.pid, 10_000);
        reaped.push(entry);
      }
      if (!isAlive(entry.pid)) removeLeftovers(entry);
      this.forget(entry.name);
    }
    return reaped;
  }

  /**
   * Sends every process still recorded in this registry's folder its stop signal, no
   * waiting: also those a worker of this process recorded there (an e2e spec restarting a
   * service), which stopAll() leaves to their own launcher.
   */
  signalRunning(): void {
    for (const entry of this.list())
      if (isOurs(entry)) {
        signal(entry.pid, entry.stopSignal ?? 'SIGTERM');
        // A process a chaos test froze (SIGSTOP) only gets the signal once it runs again.
        signal(entry.pid, 'SIGCONT');
      }
  }

  /**
   * Stops every process this instance recorded (its stop signal, SIGKILL after `graceMs`)
   * and closes the registry; returns what was still running.
   */
  async stopAll(graceMs = 10_000): Promise<PidRecord[]> {
    this.closed = true;
    live.delete(this);
    const mine = (entry: PidRecord): boolean => this.started.get(entry.name) === entry.pid;
    const running = this.list().filter((entry) => mine(entry) && isOurs(entry));
    for (const entry of running) signal(entry.pid, entry.stopSignal ?? 'SIGTERM');
    await Promise.all(
      running.map(async (entry) => {
        if (!(await waitForExit(entry.pid, graceMs))) {
          signal(entry.pid, 'SIGKILL');
          await waitForExit(entry.pid, 5_000);
        }
      }),
    );
    for (const entry of this.list().filter(mine)) {
      removeLeftovers(entry);
      this.forget(entry.name, entry.pid);
    }
    return running;
  }
}

function removeLeftovers(entry: PidRecord): void {
  for (const path of entry.removeWhenStopped ?? []) rmSync(path, { recursive: true, force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True when pid is alive and its command line still carries the recorded marker. */
export function isOurs(entry: PidRecord): boolean {
  if (!isAlive(entry.pid)) return false;
  try {
    const cmdline = readFileSync(`/proc/${entry.pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    return cmdline.includes(entry.marker);
  } catch {
    return false;
  }
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid) || isZombie(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

export function isZombie(pid: number): boolean {
  try {
    return /\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
