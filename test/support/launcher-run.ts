import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { eventually, isAlive, projectRoot, runDir, type PidRecord } from '@app/devstack';

/** Every process on the machine whose command line mentions `needle`. */
export function processesMentioning(needle: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
        return cmdline.includes(needle) ? [Number(name)] : [];
      } catch {
        return [];
      }
    });
}

/** A fresh TMPDIR (0755, so PostgreSQL's OS user can enter it) for one launcher run. */
export function freshTempFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'orderlog-launcher-test-'));
  chmodSync(dir, 0o755);
  return dir;
}

/** The launcher's environment without the variables that attach it to existing servers. */
export function launcherEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.KAFKA_BROKERS;
  delete env.DATABASE_URL;
  delete env.DEBUG;
  return { ...env, ...extra };
}

export interface LauncherRun {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** The exit code (null: killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Its isolated run folder (test profile): `.run/test/<launcher pid>`. */
  readonly runFolder: string;
  /** Pid files it wrote so far (read while it runs). */
  registered(): PidRecord[];
}

/** Runs `node dist/tools/stack.js <args>` of `root` as a person would, output captured. */
export function runLauncher(
  args: string[],
  env: NodeJS.ProcessEnv,
  root: string = projectRoot(),
): LauncherRun {
  const child = spawn(process.execPath, [join(root, 'dist/tools/stack.js'), ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const runFolder = join(
    root === projectRoot() ? runDir('test') : join(root, '.run', 'test'),
    String(child.pid),
  );
  const registered = (): PidRecord[] => {
    const dir = join(runFolder, 'pids');
    try {
      return readdirSync(dir).flatMap((f) => {
        try {
          return [JSON.parse(readFileSync(join(dir, f), 'utf8')) as PidRecord];
        } catch {
          return []; // being written
        }
      });
    } catch {
      return [];
    }
  };
  return {
    child,
    pid: child.pid!,
    stdout: () => out,
    stderr: () => err,
    exited,
    runFolder,
    registered,
  };
}

/** Collects the pid files while the launcher runs, so the test can check each one later. */
export function watchRegistrations(run: LauncherRun): {
  seen: Map<string, PidRecord>;
  stop(): void;
} {
  const seen = new Map<string, PidRecord>();
  const timer = setInterval(() => {
    for (const entry of run.registered()) seen.set(`${entry.name}:${entry.pid}`, entry);
  }, 20);
  return { seen, stop: () => clearInterval(timer) };
}

/** Waits until nothing the launcher registered, and nothing mentioning `needles`, runs. */
export async function expectNothingLeft(
  registered: Iterable<PidRecord>,
  needles: string[],
): Promise<void> {
  const entries = [...registered];
  await eventually(
    () => {
      const survivors = [
        ...entries.filter((p) => isAlive(p.pid)).map((p) => `${p.name} (pid ${p.pid})`),
        ...needles.flatMap((n) => processesMentioning(n).map((pid) => `pid ${pid} (${n})`)),
      ];
      if (survivors.length > 0) throw new Error(`still running: ${survivors.join(', ')}`);
      return true;
    },
    { timeoutMs: 15_000, what: 'every process of the launcher run to be gone' },
  );
}
