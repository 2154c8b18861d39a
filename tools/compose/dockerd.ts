import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';

import { eventually } from '@app/devstack';

import { otherDockerd } from './other-dockerd.js';
import type { ComposeTestPaths } from './paths.js';

export interface Dockerd {
  readonly pid: number;
  /** DOCKER_HOST for docker, docker-compose and anything else that talks to this engine. */
  readonly env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/**
 * Starts a Docker engine of the test's own: its own data root (images and build cache kept
 * between runs), exec root, socket and pid file, so it never meets a system engine or another
 * checkout's. Stopped by its pid only.
 */
export async function startDockerd(paths: ComposeTestPaths, logFile: string): Promise<Dockerd> {
  await stopLeftover(paths);
  const other = otherDockerd(paths.dataRoot);
  if (other) {
    throw new Error(
      `another dockerd runs on this machine (pid ${other.pid}: ${other.cmdline}); two engines ` +
        'share the docker0 bridge and iptables chains, so run the compose test once it is gone',
    );
  }
  const child = spawn(
    'dockerd',
    [
      `--data-root=${paths.dataRoot}`,
      `--exec-root=${paths.execRoot}`,
      `--pidfile=${paths.pidFile}`,
      `--host=unix://${paths.socket}`,
    ],
    {
      // Its own process group: a Ctrl-C meant for the test must not stop the engine before the
      // test has taken the stack down.
      detached: true,
      stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')],
    },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('dockerd did not start (is it installed?)');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  await eventually(
    async () => {
      if (gone) throw new Error(`dockerd exited at start-up (log: ${logFile})`);
      return (await ping(paths.socket)) || false;
    },
    { timeoutMs: 60_000, intervalMs: 200, what: 'dockerd to answer /_ping' },
  ).catch(async (error: unknown) => {
    await signalAndWait(pid, exited);
    throw error;
  });
  return {
    pid,
    env: { ...process.env, DOCKER_HOST: `unix://${paths.socket}` },
    stop: () => signalAndWait(pid, exited),
  };
}

/** SIGTERM (dockerd stops its containers and its containerd), SIGKILL after 60 s. */
async function signalAndWait(pid: number, exited: Promise<void>): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 60_000);
  await exited;
  clearTimeout(timer);
}

/**
 * A dockerd of an earlier, interrupted run still holds the pid file: stop it, by that pid,
 * but only if its command line names this checkout's data root (the pid may have been reused).
 */
async function stopLeftover(paths: ComposeTestPaths): Promise<void> {
  if (!existsSync(paths.pidFile)) return;
  const pid = Number(readFileSync(paths.pidFile, 'utf8').trim());
  const cmdline = (): string => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      return '';
    }
  };
  if (pid > 0 && cmdline().includes(paths.dataRoot)) {
    process.kill(pid, 'SIGTERM');
    await eventually(() => !cmdline().includes(paths.dataRoot), {
      timeoutMs: 60_000,
      what: `the leftover dockerd (pid ${pid}) to stop`,
    });
  }
  rmSync(paths.pidFile, { force: true });
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}
