import { spawnSync } from 'node:child_process';

import { runCommand } from './run-command.js';

/** What the compose test needs on the host, and the Debian package that brings it. */
const TOOLS = [
  { command: 'dockerd', pkg: 'docker.io' },
  { command: 'docker-compose', pkg: 'docker-compose' },
  { command: 'debootstrap', pkg: 'debootstrap' },
] as const;

const onPath = (command: string): boolean =>
  spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

/**
 * Installs Debian's Docker engine (20.10), docker-compose (1.29) and debootstrap when they are
 * missing. Returns the packages it installed (none on a machine that has them).
 */
export async function ensureEngineInstalled(logFile: string): Promise<string[]> {
  const missing = TOOLS.filter((tool) => !onPath(tool.command)).map((tool) => tool.pkg);
  if (missing.length === 0) return [];
  if (process.getuid?.() !== 0) {
    throw new Error(`${missing.join(', ')} missing; install them (apt-get install) or run as root`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runCommand('apt-get', ['update'], { logFile, env });
  await runCommand('apt-get', ['install', '-y', '--no-install-recommends', ...missing], {
    logFile,
    env,
  });
  return missing;
}
