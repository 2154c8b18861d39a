import { setTimeout as delay } from 'node:timers/promises';

import type { ComposeCli } from './compose-cli.js';
import type { ReadyWhen } from './compose-file.js';
import type { Report } from './report.js';

// Generous: on a 2-core machine shared with other heavy jobs, a broker took minutes to serve
// its group coordinator (load average 60); CI has a 90-minute budget.
const TIMEOUT_MS = 600_000;

/**
 * Waits for every service of the compose file, one check each: healthy when it has a health
 * check, exited 0 when it is a one-shot, running otherwise. A failed one-shot or a container
 * that stopped fails at once instead of waiting out the timeout.
 */
export async function waitUntilUp(
  compose: ComposeCli,
  services: Map<string, ReadyWhen>,
  report: Report,
): Promise<boolean> {
  const deadline = Date.now() + TIMEOUT_MS;
  let allUp = true;
  for (const [service, when] of services) {
    const label = when === 'completed' ? 'done (exit 0)' : when;
    allUp &&= await report.check(`${service} is ${label}`, async () => {
      for (;;) {
        const state = await compose.state(service);
        if (when === 'completed' && state.status === 'exited') {
          if (state.exitCode === 0) return;
          throw new Error(`${service} exited with ${state.exitCode}`);
        }
        if (when !== 'completed' && ['exited', 'dead'].includes(state.status)) {
          throw new Error(`${service} stopped (exit ${state.exitCode})`);
        }
        if (state.status === 'running' && (when === 'running' || state.health === 'healthy')) {
          return;
        }
        if (Date.now() > deadline) {
          throw new Error(
            `${service} not ${label} after ${TIMEOUT_MS / 1000} s: ${JSON.stringify(state)}`,
          );
        }
        await delay(1_000);
      }
    });
  }
  return allUp;
}
