/**
 * `npm run nemesis -- --minutes N --seed S`: random faults against a three-node Kafka cluster
 * and two instances of each service under load, then an audit of every invariant. Writes
 * report.json and summary.txt under .nemesis/ (printed at the end); exits 1 on any violation.
 * The same seed replays the same fault schedule.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { LauncherError, projectRoot, runNemesis, writeReport } from '@app/devstack';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    seed: { type: 'string' },
    'every-seconds': { type: 'string', default: '8' },
    rate: { type: 'string', default: '8' },
  },
});
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const minutes = Number(values.minutes);
const stamp = new Date().toISOString().replaceAll(/[:.]/g, '-');
const outDir = join(projectRoot(), '.nemesis', `${stamp}-seed${seed}`);

const interrupt = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    // The run ends its faults and load and its finally-block stops everything it started,
    // by pid; a second signal forces the exit.
    if (interrupt.signal.aborted) process.exit(130);
    console.log(`[nemesis] ${sig}: stopping what it started (again to force)`);
    interrupt.abort();
  });
}

try {
  const report = await runNemesis({
    minutes,
    seed,
    everyMs: Number(values['every-seconds']) * 1000,
    ratePerSecond: Number(values.rate),
    outDir,
    signal: interrupt.signal,
    log: (line) => console.log(`[nemesis] ${line}`),
  });
  const summaryFile = writeReport(outDir, report);
  console.log(`\n${(await import('node:fs')).readFileSync(summaryFile, 'utf8')}`);
  console.log(`[nemesis] report: ${join(outDir, 'report.json')} and ${summaryFile}`);
  process.exit(report.violationCount === 0 ? 0 : 1);
} catch (error) {
  console.error(error instanceof LauncherError ? `[nemesis] ${error.message}` : error);
  process.exit(interrupt.signal.aborted ? 130 : 1);
}
