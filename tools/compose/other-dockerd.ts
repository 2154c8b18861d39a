import { readFileSync, readdirSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * A dockerd this test did not start (a system engine, or another checkout's compose test).
 * Two engines on one host share the docker0 bridge name and the DOCKER iptables chains, and
 * each rewrites them at start-up, so a second one breaks the first one's networking: the test
 * refuses to start next to one instead. Only reads /proc; never signals anything.
 */
export function otherDockerd(ownDataRoot: string): { pid: number; cmdline: string } | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const [executable = ''] = argv;
    if (basename(executable) !== 'dockerd') continue;
    if (argv.includes(`--data-root=${ownDataRoot}`)) continue;
    return { pid: Number(entry), cmdline: argv.join(' ').trim() };
  }
  return undefined;
}
