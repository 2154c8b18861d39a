import { ORDER_EVENTS_TOPIC, TOPOLOGY } from '@app/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { actedOn } from '../support/chaos/census.js';
import { startChaosStack, type ChaosStack } from '../support/chaos/chaos-stack.js';
import { count, inboxRows } from '../support/db.js';
import { crashedRecordIn } from '../support/chaos/failpoint.js';
import { startLoad } from '../support/chaos/load.js';
import { committedOffsets } from '../support/chaos/offsets.js';
import { countsOf, recordScenario } from '../support/chaos/report.js';
import {
  expectAppliedOnceResendsDropped,
  expectNoDeadLetters,
  expectNothingLostNothingTwice,
  settle,
} from '../support/chaos/settle.js';
import { timeline } from '../support/chaos/timeline.js';

const SCENARIO = 'consumer-crash';
const INVARIANT = '3 applied once';
const SERVICE = 'payment-service';
const GROUP = TOPOLOGY[SERVICE].group;

/**
 * Core. Invariant 3 "applied once": payment-service is killed -9 right after a record's
 * transaction (inbox row + payment + credit + outbox row) committed and before the offset was
 * committed (FAULT_CONSUMER_CRASH_AFTER_APPLY=60: its 60th record, mid-load, with batches in
 * flight on several partitions). The broker delivers that record again, and every other
 * record whose effect committed after the group's last offset commit; the restarted instance
 * must recognise exactly those as duplicates. (The process's relay dies with it, possibly
 * between a send and its mark: what it re-sends reaches the other consumers as duplicates.)
 */
describe('Invariant 3 "applied once": a consumer killed between its commit and its offset commit', () => {
  let chaos: ChaosStack;
  const started = Date.now();

  beforeAll(async () => {
    // payment-service dies right after the 60th record it applies, while orders flow.
    chaos = await startChaosStack({
      scenario: SCENARIO,
      env: { [SERVICE]: { FAULT_CONSUMER_CRASH_AFTER_APPLY: '60' } },
    });
  });
  afterAll(async () => {
    await chaos?.close();
  });

  it('redelivers the records applied after the last offset commit, and the restarted consumer applies none of them again', async () => {
    const t = timeline();
    const load = startLoad({
      targets: () => [chaos.url('order-service')],
      ratePerSecond: 20,
      maxOrders: 200,
      maxMs: 40_000,
      customers: 24,
      cancelEvery: 6,
    });
    const crashed = await chaos.awaitDeath(SERVICE, 30_000);
    t.mark('consumer crashed');
    const record = crashedRecordIn(crashed.logFile);
    const db = chaos.databaseUrl(SERVICE);

    // The crash window is real: the record's effect is in (its inbox row committed) and the
    // group's committed offset is still at or before it.
    const committed = await committedOffsets(chaos.brokers, GROUP, ORDER_EVENTS_TOPIC);
    expect(BigInt(record.offset)).toBeGreaterThanOrEqual(committed.get(record.partition) ?? 0n);
    expect(
      await count(
        db,
        'SELECT count(*)::int AS n FROM inbox WHERE consumer = $1 AND event_id = $2',
        [GROUP, record.eventId],
      ),
      'inbox row of the record being handled at the crash',
    ).toBe(1);
    // Every record at or past the committed offsets whose inbox row is in will come again.
    const redelivered = await count(
      db,
      `SELECT count(*)::int AS n FROM inbox i
         JOIN unnest($2::int[], $3::bigint[]) AS c(partition, committed) ON c.partition = i.partition
        WHERE i.consumer = $1 AND i.topic = $4 AND i."offset" >= c.committed`,
      [GROUP, [...committed.keys()], [...committed.values()].map(String), ORDER_EVENTS_TOPIC],
    );
    const appliedBeforeRestart = await inboxRows(db, GROUP);

    await chaos.replace(SERVICE, { FAULT_CONSUMER_CRASH_AFTER_APPLY: '0' });
    t.mark('consumer restarted');
    const result = await load.finished;
    t.mark('load done');
    expect(result.failures).toEqual([]);

    const s = await settle(chaos, 120_000, t.mark);
    expectNothingLostNothingTwice(s, result.orderIds);
    // The restarted process saw every delivery since: the redelivered records (and any
    // order.events record a relay re-sent: none, order-service never crashed) as duplicates,
    // everything else applied once.
    const payments = actedOn(s.census, SERVICE);
    expect(redelivered, 'records applied but not committed at the crash').toBeGreaterThan(0);
    expect(s.tally[SERVICE].duplicate, 'duplicates the restarted consumer suppressed').toBe(
      redelivered + payments.resent,
    );
    expect(s.tally[SERVICE].applied, 'applied by the restarted consumer').toBe(
      payments.distinct - appliedBeforeRestart,
    );
    // The other consumers ran in one process throughout: each distinct event applied once,
    // each record re-sent by payment-service's restarted relay dropped as a duplicate.
    expectAppliedOnceResendsDropped(s, ['order-service', 'read-model']);
    expectNoDeadLetters(s);

    recordScenario(
      countsOf(
        SCENARIO,
        INVARIANT,
        result,
        s,
        { crashedRecord: record, redelivered, appliedBeforeRestart, timeline: t.marks },
        started,
      ),
    );
  });
});
