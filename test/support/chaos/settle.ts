import { DEAD_LETTER_TOPICS, type ConsumerGroupName } from '@app/contracts';
import { GROUP_IDS, audit, type AuditReport } from '@app/devstack';
import { expect } from 'vitest';

import { actedOn, takeCensus, type Census } from './census.js';
import type { ChaosStack } from './chaos-stack.js';
import { inboxRows } from '../db.js';
import { waitUntilQuiet } from '../quiet.js';
import { tallyConsumers, type Tally } from './tally.js';

export interface Settled {
  audit: AuditReport;
  census: Census;
  tally: Tally;
  inbox: Record<ConsumerGroupName, number>;
}

/**
 * Waits until the system is quiet, then audits it from outside (bounded wait) and counts what
 * the log, the inboxes and the consumers' metrics hold.
 */
export async function settle(
  chaos: ChaosStack,
  quietMs = 120_000,
  mark: (step: string) => void = () => undefined,
): Promise<Settled> {
  await waitUntilQuiet(chaos, quietMs, 500);
  mark('quiet');
  const report = await audit(chaos.auditTargets(), { waitMs: 60_000 });
  mark('audited');
  const census = await takeCensus(chaos.brokers);
  const tally = await tallyConsumers(chaos);
  const inbox = {} as Record<ConsumerGroupName, number>;
  for (const group of GROUP_IDS) inbox[group] = await inboxRows(chaos.databaseUrl(group), group);
  return { audit: report, census, tally, inbox };
}

/**
 * What every scenario ends with. The auditor is clean (every order agrees across the log and
 * the three services, sagas ended consistently, money is conserved, nothing unpublished or
 * unconsumed). Every order a client got a 201 for has its OrderCreated in the log and the log
 * has no other order (no committed change lost, none invented). Every consumer's inbox holds
 * exactly one row per distinct event it acts on (each applied, none twice: the inbox key).
 */
export function expectNothingLostNothingTwice(s: Settled, orderIds: readonly string[]): void {
  expect(s.audit.violations, 'auditor violations').toEqual([]);
  expect(s.audit.ok).toBe(true);
  expect(s.census.created.size, 'orders in the log').toBe(new Set(orderIds).size);
  expect(
    orderIds.filter((id) => !s.census.created.has(id)),
    'placed orders missing from the log',
  ).toEqual([]);
  for (const group of GROUP_IDS) {
    expect(s.inbox[group], `${group} inbox rows = distinct events it acts on`).toBe(
      actedOn(s.census, group).distinct,
    );
  }
}

/**
 * Each of `groups` applied every distinct event it acts on exactly once and dropped every
 * record the log holds again (a relay's re-send) as a duplicate.
 */
export function expectAppliedOnceResendsDropped(
  s: Settled,
  groups: readonly ConsumerGroupName[],
): void {
  for (const group of groups) {
    const expected = actedOn(s.census, group);
    expect(s.tally[group].applied, `${group} applied`).toBe(expected.distinct);
    expect(s.tally[group].duplicate, `${group} duplicates`).toBe(expected.resent);
  }
}

/** No consumer dead-lettered anything (faults in these scenarios are all transient). */
export function expectNoDeadLetters(s: Settled): void {
  for (const group of GROUP_IDS)
    expect(s.tally[group]['dead-lettered'], `${group} dead-lettered`).toBe(0);
}

/** The audit's dead-letter counts keyed by dead-letter topic, from counts per consumer group. */
export const deadLettersByTopic = (
  perGroup: Record<ConsumerGroupName, number>,
): Record<string, number> =>
  Object.fromEntries(GROUP_IDS.map((g) => [DEAD_LETTER_TOPICS[g], perGroup[g]]));

/** The audit's dead-letter counts when no group dead-lettered anything. */
export const NO_DEAD_LETTERS = deadLettersByTopic({
  'order-service': 0,
  'payment-service': 0,
  'read-model': 0,
});
