import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';

import { type PidRegistry, isAlive, signal, waitForExit } from './pid-registry.js';
import { LauncherError } from './ports.js';
import { projectRoot } from './project-paths.js';
import { tellingLineOf } from './telling-line.js';

export interface ServiceProcessOptions {
  /** Unique per instance, e.g. `order-service` or `order-service-2`. */
  instance: string;
  entry: string;
  port: number;
  env: NodeJS.ProcessEnv;
  registry: PidRegistry;
  logDir: string;
}

export interface ServiceProcess {
  readonly instance: string;
  readonly pid: number;
  readonly url: string;
  readonly logFile: string;
  stop(): Promise<void>;
  kill(): Promise<void>;
  /** SIGSTOP: frozen, its sockets (database session, broker connections) stay open. */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
}

/** Starts a built service (`node dist/...`), logs to a file, and waits for /health/ready. */
export async function startServiceProcess(opts: ServiceProcessOptions): Promise<ServiceProcess> {
  const entry = join(projectRoot(), opts.entry);
  mkdirSync(opts.logDir, { recursive: true });
  const logFile = join(opts.logDir, `${opts.instance}.log`);
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--enable-source-maps', entry], {
    cwd: projectRoot(),
    env: { ...process.env, ...opts.env, PORT: String(opts.port) },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  // A failed spawn is an 'error' event (never an exception): it fails this start.
  const spawnFailed = new Promise<never>((_, reject) =>
    child.once('error', (error) =>
      reject(new LauncherError(`${opts.instance} could not be started: ${error.message}`)),
    ),
  );
  spawnFailed.catch(() => undefined);
  child.unref();
  const pid = child.pid ?? 0;
  if (!pid) await spawnFailed;
  opts.registry.record({ name: opts.instance, pid, marker: entry });
  const url = `http://127.0.0.1:${opts.port}`;
  await Promise.race([spawnFailed, waitForReady(url, pid, opts.instance, logFile, 90_000)]);

  const terminate = async (sig: NodeJS.Signals): Promise<void> => {
    if (isAlive(pid)) {
      signal(pid, sig);
      // A paused process keeps the signal pending until it runs again.
      signal(pid, 'SIGCONT');
      if (!(await waitForExit(pid, 15_000))) {
        signal(pid, 'SIGKILL');
        await waitForExit(pid, 5_000);
      }
    }
    opts.registry.forget(opts.instance, pid);
  };
  return {
    instance: opts.instance,
    pid,
    url,
    logFile,
    stop: () => terminate('SIGTERM'),
    kill: () => terminate('SIGKILL'),
    pause: () => signal(pid, 'SIGSTOP'),
    resume: () => signal(pid, 'SIGCONT'),
  };
}

export async function waitForReady(
  url: string,
  pid: number,
  name: string,
  logFile: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid))
      throw new LauncherError(
        `${name} exited during start-up: ${tellingLineOf(logFile)} (log: ${logFile})`,
      );
    try {
      const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(3000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new LauncherError(`${name} was not ready within ${timeoutMs} ms; see ${logFile}`);
}
