import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { AuditReport } from '../audit/audit.js';
import type { FaultRecord } from './faults.js';
import type { Violations } from './verdict.js';

export interface NemesisReport {
  seed: number;
  minutes: number;
  startedAt: string;
  loadAverage: number[];
  faults: { byKind: Record<string, number>; list: FaultRecord[] };
  orders: { accepted: number; cancelled: number; clientRetries: number; clientFailures: string[] };
  records: { orderEvents: number; paymentEvents: number; resent: number };
  /** Duplicates the inboxes dropped, summed over the instances alive at the end. */
  duplicatesSuppressed: number;
  /** Longest time each consumer group had records to read and committed none (ms). */
  longestRecoveryMs: Record<string, number>;
  audit: Pick<AuditReport, 'ok' | 'orders' | 'byStatus' | 'customers' | 'deadLetters'>;
  violations: Violations;
  violationCount: number;
  seconds: number;
}

export function summary(r: NemesisReport): string {
  const lines = [
    `nemesis seed ${r.seed}, ${r.minutes} min of faults, ${r.seconds} s in all (load average at start ${r.loadAverage.map((l) => l.toFixed(1)).join(' ')})`,
    `faults: ${r.faults.list.length} — ${Object.entries(r.faults.byKind)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
    ...r.faults.list.map(
      (f) =>
        `  ${(f.startedAtMs / 1000).toFixed(1).padStart(7)} s  ${f.kind.padEnd(17)} ${f.target.padEnd(18)} ${f.healedAtMs === undefined ? 'not healed' : `healed after ${((f.healedAtMs - f.startedAtMs) / 1000).toFixed(1)} s`}${f.note ? ` (${f.note})` : ''}`,
    ),
    `orders accepted: ${r.orders.accepted} (cancelled ${r.orders.cancelled}, client retries ${r.orders.clientRetries}, requests that never succeeded ${r.orders.clientFailures.length})`,
    `records published: ${r.records.orderEvents} order events, ${r.records.paymentEvents} payment events; re-sent ${r.records.resent}`,
    `duplicates suppressed by inboxes (instances alive at the end): ${r.duplicatesSuppressed}`,
    `longest consumer-group recovery: ${Object.entries(r.longestRecoveryMs)
      .map(([g, ms]) => `${g} ${(ms / 1000).toFixed(1)} s`)
      .join(', ')}`,
    `audit: ${r.audit.orders} orders ${JSON.stringify(r.audit.byStatus)}, ${r.audit.customers} customers`,
    `violations: ${r.violationCount} (lost ${r.violations.lost.length}, applied twice ${r.violations.appliedTwice.length}, out of order ${r.violations.outOfOrder.length}, money not conserved ${r.violations.moneyNotConserved.length}, other ${r.violations.other.length})`,
    ...Object.values(r.violations)
      .flat()
      .slice(0, 20)
      .map((v) => `  ! ${v}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** Writes report.json and summary.txt into `dir`; returns the summary's path. */
export function writeReport(dir: string, report: NemesisReport): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, 'summary.txt'), summary(report));
  return join(dir, 'summary.txt');
}
