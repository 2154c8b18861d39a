import { spawn, type SpawnOptions } from 'node:child_process';

import { type PidRegistry } from './pid-registry.js';
import { LauncherError } from './ports.js';
import { tellingLine } from './telling-line.js';

/** Records the tool's pid while it runs, so a launcher stopped meanwhile stops it too. */
export interface Tracking {
  registry: PidRegistry;
  name: string;
  /** Appears in its command line (see PidRecord). */
  marker: string;
}

/**
 * Runs a short-lived tool (initdb, Kafka's storage format) and resolves when it exits 0.
 * A failed spawn (ENOENT, EACCES) arrives as an 'error' event, not an exception: it is
 * turned into a LauncherError here, so it can never surface as an uncaught exception.
 */
export function runToCompletion(
  what: string,
  command: string,
  args: string[],
  options: SpawnOptions = {},
  track?: Tracking,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid && track) track.registry.record({ ...track, pid: child.pid });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) =>
      reject(new LauncherError(`${what} could not be started: ${error.message}`)),
    );
    child.once('close', (code, sig) => {
      if (child.pid && track) track.registry.forget(track.name, child.pid);
      if (code === 0) return resolve(output);
      // A failed spawn also closes (code -2/-13 and no output): the 'error' above won.
      reject(
        new LauncherError(
          `${what} failed (${sig ? `signal ${sig}` : `exit ${String(code)}`}): ${tellingLine(output)}`,
        ),
      );
    });
  });
}
