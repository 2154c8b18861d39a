import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { projectRoot, type AuditReport } from '@app/devstack';

import { resentTotal } from './census.js';
import type { LoadResult } from './load.js';
import type { Settled } from './settle.js';
import type { Tally } from './tally.js';

export interface ScenarioCounts {
  scenario: string;
  invariant: string;
  ordersSent: number;
  cancelled: number;
  clientRetries: number;
  /** Per consumer group, summed over its live instances at the end (see tallyConsumers). */
  consumers: Tally;
  /** Records in each dead-letter topic. */
  deadLetters: Record<string, number>;
  /** Records in the log that re-state an event already there (relay re-sends). */
  resent: number;
  audit: Pick<
    AuditReport,
    | 'ok'
    | 'orders'
    | 'byStatus'
    | 'customers'
    | 'records'
    | 'deadLetters'
    | 'outboxBacklog'
    | 'consumerLag'
  > & { violations: number; firstViolations: string[] };
  /** What else this scenario measured (fault timings, backlog peaks, …). */
  details: Record<string, unknown>;
  seconds: number;
}

export const auditSummary = (report: AuditReport): ScenarioCounts['audit'] => ({
  ok: report.ok,
  orders: report.orders,
  byStatus: report.byStatus,
  customers: report.customers,
  records: report.records,
  deadLetters: report.deadLetters,
  outboxBacklog: report.outboxBacklog,
  consumerLag: report.consumerLag,
  violations: report.violations.length,
  firstViolations: report.violations.slice(0, 5),
});

/** Prints the scenario's counts and writes them as one JSON line to .test-results/chaos/. */
export function recordScenario(counts: ScenarioCounts): void {
  const dir = join(projectRoot(), '.test-results', 'chaos');
  mkdirSync(dir, { recursive: true });
  const line = JSON.stringify(counts);
  writeFileSync(join(dir, `${counts.scenario}.json`), `${line}\n`);
  console.log(`[chaos ${counts.scenario}] ${line}`);
}

/** The counts of a scenario that ran `load` and ended in `settled`. */
export function countsOf(
  scenario: string,
  invariant: string,
  load: LoadResult,
  settled: Settled,
  details: Record<string, unknown>,
  startedAt: number,
): ScenarioCounts {
  return {
    scenario,
    invariant,
    ordersSent: load.orderIds.length,
    cancelled: load.cancelled,
    clientRetries: load.retries,
    consumers: settled.tally,
    deadLetters: Object.fromEntries(
      Object.entries(settled.census.deadLetters).map(([topic, records]) => [topic, records.length]),
    ),
    resent: resentTotal(settled.census),
    audit: auditSummary(settled.audit),
    details,
    seconds: Math.round((Date.now() - startedAt) / 1000),
  };
}
