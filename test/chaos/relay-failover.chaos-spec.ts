import { eventually } from '@app/devstack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { resentTotal, takeCensus } from '../support/chaos/census.js';
import { startChaosStack, type ChaosStack } from '../support/chaos/chaos-stack.js';
import { during } from '../support/chaos/during.js';
import { startLoad } from '../support/chaos/load.js';
import { relayLeaders } from '../support/chaos/outbox.js';
import { countsOf, recordScenario } from '../support/chaos/report.js';
import { FULL_CHAOS } from '../support/chaos/scope.js';
import {
  expectAppliedOnceResendsDropped,
  expectNoDeadLetters,
  expectNothingLostNothingTwice,
  settle,
} from '../support/chaos/settle.js';
import { timeline } from '../support/chaos/timeline.js';

const SCENARIO = 'relay-failover';
const INVARIANT = '2 per-order order (one relay per database, automatic take-over)';

const leadersOf = (sample: Record<string, number>): string[] =>
  Object.entries(sample)
    .filter(([, leader]) => leader === 1)
    .map(([name]) => name);

/**
 * Invariant 2 "per-order order": two order-service instances share one database; the
 * advisory lock lets exactly one relay publish. Clients spread orders and cancels (which
 * touch the same aggregates) over both. The leading instance is killed -9 under load; the
 * other takes over by itself, and no order's sequence ever goes backwards in the log or in
 * the read model.
 */
describe.runIf(FULL_CHAOS)(
  'Invariant 2 "per-order order": two relays on one database, the leader killed -9',
  () => {
    let chaos: ChaosStack;
    const started = Date.now();

    beforeAll(async () => {
      chaos = await startChaosStack({ scenario: SCENARIO });
    });
    afterAll(async () => {
      await chaos?.close();
    });

    it('publishes through exactly one relay at a time, and the standby takes over from a killed leader', async () => {
      const t = timeline();
      await chaos.start('order-service', { instance: 'order-service-2' });
      const load = startLoad({
        // Behind a load balancer: every live instance takes orders and cancels.
        targets: () => chaos.instances('order-service').map((i) => i.proc.url),
        ratePerSecond: 15,
        maxOrders: 330,
        maxMs: 45_000,
        customers: 24,
        cancelEvery: 4,
      });
      await eventually(() => load.placed() >= 30, { timeoutMs: 30_000, what: '30 orders placed' });

      // Exactly one leader, the same one, sample after sample, while both take traffic.
      const samples = await during(8_000, () => relayLeaders(chaos));
      const leaders = new Set(samples.flatMap(leadersOf));
      // Soft: when two relays lead, the log check below still runs and says what it cost.
      expect
        .soft(
          samples.map((s) => leadersOf(s).length),
          `leaders per sample: ${JSON.stringify(samples)}`,
        )
        .toEqual(samples.map(() => 1));
      // Two relays never published the same row.
      expect(resentTotal(await takeCensus(chaos.brokers)), 'records re-sent before the kill').toBe(
        0,
      );
      expect(samples.length, 'leader samples taken').toBeGreaterThan(1);
      expect(leaders.size, 'the lock never changed hands').toBe(1);
      const leader = [...leaders][0]!;
      const standby = chaos.instances('order-service').find((i) => i.name !== leader)!.name;

      await chaos.kill(leader);
      t.mark('leader killed');
      await eventually(async () => (await relayLeaders(chaos))[standby] === 1, {
        timeoutMs: 30_000,
        intervalMs: 250,
        what: `${standby} to take the relay lock over`,
      });
      t.mark('standby leads');

      const result = await load.finished;
      t.mark('load done');
      expect(result.failures).toEqual([]);
      // The auditor checks that every order's sequences run 1, 2, 3… in the log (a re-sent
      // record repeats an earlier one, never a different event) and that the read model
      // stands at the log's last sequence of both streams.
      const s = await settle(chaos, 120_000, t.mark);
      expectNothingLostNothingTwice(s, result.orderIds);
      // The killed leader may have died between a send and its mark: the standby re-sends
      // that batch, and the consumers (one process each throughout) drop every re-sent record.
      expectAppliedOnceResendsDropped(s, ['payment-service', 'read-model']);
      expectNoDeadLetters(s);

      recordScenario(
        countsOf(
          SCENARIO,
          INVARIANT,
          result,
          s,
          { leader, standby, leaderSamples: samples.length, timeline: t.marks },
          started,
        ),
      );
    });
  },
);
