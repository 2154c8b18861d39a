import { ORDER_EVENTS_TOPIC } from '@app/contracts';
import { eventually } from '@app/devstack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { resentTotal, takeCensus } from '../support/chaos/census.js';
import { startChaosStack, type ChaosStack } from '../support/chaos/chaos-stack.js';
import { count } from '../support/db.js';
import { startLoad } from '../support/chaos/load.js';
import { countsOf, recordScenario } from '../support/chaos/report.js';
import {
  expectAppliedOnceResendsDropped,
  expectNoDeadLetters,
  expectNothingLostNothingTwice,
  settle,
  NO_DEAD_LETTERS,
} from '../support/chaos/settle.js';
import { timeline } from '../support/chaos/timeline.js';

const SCENARIO = 'relay-crash';
const INVARIANT = '1 no lost event, 3 applied once';

/**
 * Core. Invariant 1 "no lost event" and invariant 3 "applied once": the relay is killed -9
 * after the broker acknowledged a batch and before it marked the rows published
 * (FAULT_RELAY_CRASH_AFTER_SEND=1). The restarted relay publishes the same rows again; each
 * re-sent record must reach the consumers as a duplicate their inboxes drop.
 */
describe('Invariant 1 "no lost event" + 3 "applied once": relay killed between the broker ack and the mark', () => {
  let chaos: ChaosStack;
  const started = Date.now();

  beforeAll(async () => {
    // The API instance runs no relay: orders commit while no relay runs, so the crashing
    // relay's first batch is a big one.
    chaos = await startChaosStack({
      scenario: SCENARIO,
      env: { 'order-service': { OUTBOX_RELAY: 'off' } },
    });
  });
  afterAll(async () => {
    await chaos?.close();
  });

  it('publishes every committed change after the restart, and consumers drop every re-sent record as a duplicate', async () => {
    const t = timeline();
    const load = startLoad({
      targets: () => [chaos.url('order-service')],
      ratePerSecond: 20,
      maxOrders: 200,
      maxMs: 40_000,
      customers: 24,
      cancelEvery: 7,
    });
    await eventually(() => load.placed() >= 80, { timeoutMs: 30_000, what: '80 orders placed' });

    // The only relay: it leads, sends what is pending, and dies before marking it.
    await chaos.startDoomed('order-service', {
      instance: 'order-service-crashing-relay',
      env: { OUTBOX_RELAY: 'on', FAULT_RELAY_CRASH_AFTER_SEND: '1' },
    });

    t.mark('relay crashed');
    // The crash window is real: every order.events record in the log is still unpublished
    // in order-service's outbox (payment-service may already have answered some of them).
    const atCrash = await takeCensus(chaos.brokers);
    const sentIds = [...atCrash.eventIds[ORDER_EVENTS_TOPIC]!];
    const stillUnpublished = await count(
      chaos.databaseUrl('order-service'),
      'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL AND event_id = ANY($1::uuid[])',
      [sentIds],
    );
    expect(sentIds.length, 'records the crashed relay got acknowledged').toBeGreaterThan(0);
    expect(resentTotal(atCrash), 'records re-sent before the restart').toBe(0);
    expect(stillUnpublished, 'acknowledged rows still unmarked in the outbox').toBe(sentIds.length);
    const sent = sentIds.length;

    // The relay is started again (a normal instance), while orders keep coming.
    await chaos.start('order-service', {
      instance: 'order-service-restarted-relay',
      env: { OUTBOX_RELAY: 'on' },
    });
    t.mark('relay restarted');
    const result = await load.finished;
    t.mark('load done');
    expect(result.failures).toEqual([]);

    const s = await settle(chaos, 120_000, t.mark);
    t.mark('settled');
    expectNothingLostNothingTwice(s, result.orderIds);
    // The crashed batch went out exactly twice, nothing else was re-sent.
    expect(resentTotal(s.census), 'records re-sent').toBe(sent);
    // payment-service and read-model ran in one process each throughout: their counters see
    // every delivery. Each distinct event applied once, each re-sent record a duplicate.
    expectAppliedOnceResendsDropped(s, ['payment-service', 'read-model']);
    expectNoDeadLetters(s);
    expect(s.tally['payment-service'].duplicate).toBeGreaterThan(0);
    expect(s.audit.deadLetters).toEqual(NO_DEAD_LETTERS);

    recordScenario(
      countsOf(
        SCENARIO,
        INVARIANT,
        result,
        s,
        { crashedBatchRecords: sent, timeline: t.marks },
        started,
      ),
    );
  });
});
