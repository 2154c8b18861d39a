import { GROUP_IDS, eventually } from '@app/devstack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { actedOn } from '../support/chaos/census.js';
import { startChaosStack, type ChaosStack } from '../support/chaos/chaos-stack.js';
import { during } from '../support/chaos/during.js';
import { startLoad } from '../support/chaos/load.js';
import { outboxGauges } from '../support/chaos/outbox.js';
import { countsOf, recordScenario } from '../support/chaos/report.js';
import { FULL_CHAOS } from '../support/chaos/scope.js';
import { expectNothingLostNothingTwice, settle, NO_DEAD_LETTERS } from '../support/chaos/settle.js';
import { timeline } from '../support/chaos/timeline.js';

const SCENARIO = 'broker-outage';
const INVARIANT = '1 no lost event (Kafka down for a while); 7 transient faults never dead-letter';
const OUTAGE_MS = 10_000;

/**
 * Invariant 1 "no lost event … or Kafka is down for a while" and invariant 7's transient half.
 * The only broker is killed -9 while orders flow and started again on its storage ~10 s later.
 * order-service keeps taking orders, its outbox holds them (backlog and age grow, as its
 * metrics say), and once the broker is back everything drains without a dead letter.
 */
describe.runIf(FULL_CHAOS)(
  'Invariant 1 "no lost event": the Kafka broker is down for 10 s under load',
  () => {
    let chaos: ChaosStack;
    const started = Date.now();

    beforeAll(async () => {
      chaos = await startChaosStack({ scenario: SCENARIO });
    });
    afterAll(async () => {
      await chaos?.close();
    });

    it('holds committed changes in the outbox while the broker is down and publishes them all once it is back', async () => {
      const t = timeline();
      const kafka = chaos.stack.infra.kafka!;
      const orders = chaos.url('order-service');
      const load = startLoad({
        targets: () => [orders],
        ratePerSecond: 15,
        maxOrders: 330,
        maxMs: 45_000,
        customers: 24,
        cancelEvery: 6,
      });
      await eventually(() => load.placed() >= 60, { timeoutMs: 30_000, what: '60 orders placed' });

      await kafka.kill();
      t.mark('broker killed');
      const placedAtKill = load.placed();
      // Orders counted before a scrape got their 201 before it: they are in its backlog.
      const backlog = await during(
        OUTAGE_MS,
        async () => {
          const placedWhileDown = load.placed() - placedAtKill;
          return { placedWhileDown, ...(await outboxGauges(orders)) };
        },
        1_000,
      );
      await kafka.restart();
      t.mark('broker restarted');
      await eventually(async () => (await outboxGauges(orders)).rows === 0, {
        timeoutMs: 60_000,
        intervalMs: 500,
        what: 'the outbox backlog to drain',
      });
      t.mark('backlog drained');

      // The outbox held what the broker could not take: at least every order placed while it
      // was down, and its oldest row aged with the outage.
      const peak = backlog.at(-1)!;
      const placedWhileDown = peak.placedWhileDown;
      expect(placedWhileDown, 'orders accepted while the broker was down').toBeGreaterThan(0);
      expect(peak.rows, 'outbox backlog at the end of the outage').toBeGreaterThanOrEqual(
        placedWhileDown,
      );
      expect(peak.oldestAgeSeconds, 'oldest unpublished row (s)').toBeGreaterThan(
        (OUTAGE_MS / 1000) * 0.5,
      );

      const result = await load.finished;
      t.mark('load done');
      expect(result.failures).toEqual([]);
      const s = await settle(chaos, 120_000, t.mark);
      expectNothingLostNothingTwice(s, result.orderIds);
      for (const group of GROUP_IDS) {
        const expected = actedOn(s.census, group);
        // One process per group throughout: each distinct event applied exactly once. Records
        // handled but not committed when the broker died come again: duplicates, not effects.
        expect(s.tally[group].applied, `${group} applied`).toBe(expected.distinct);
        expect(s.tally[group].duplicate).toBeGreaterThanOrEqual(expected.resent);
        expect(s.tally[group]['dead-lettered'], `${group} dead-lettered`).toBe(0);
      }
      expect(s.audit.deadLetters).toEqual(NO_DEAD_LETTERS);

      recordScenario(
        countsOf(
          SCENARIO,
          INVARIANT,
          result,
          s,
          {
            placedWhileDown,
            backlogSamples: backlog.map((b) => b.rows),
            oldestAgeAtEnd: peak.oldestAgeSeconds,
            timeline: t.marks,
          },
          started,
        ),
      );
    });
  },
);
