import { eventually } from '@app/devstack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { actedOn } from '../support/chaos/census.js';
import {
  startChaosStack,
  type ChaosStack,
  type ServiceName,
} from '../support/chaos/chaos-stack.js';
import { during } from '../support/chaos/during.js';
import { startLoad } from '../support/chaos/load.js';
import { consumerOutcomes, scrape } from '../support/metrics.js';
import { countsOf, recordScenario } from '../support/chaos/report.js';
import { FULL_CHAOS } from '../support/chaos/scope.js';
import {
  expectNoDeadLetters,
  expectNothingLostNothingTwice,
  settle,
  NO_DEAD_LETTERS,
} from '../support/chaos/settle.js';
import { timeline } from '../support/chaos/timeline.js';

const SCENARIO = 'rebalance';
const INVARIANT = '3 applied once (restarts and rebalances redeliver)';
const SCALED: readonly ServiceName[] = ['payment-service', 'read-model'];

/**
 * Invariant 3 "applied once" under consumer-group rebalances: while orders flow, second and
 * third instances of payment-service and read-model join their groups (partitions move to
 * them), then leave: gracefully, and one by kill -9 (its partitions wait for its session to
 * expire, and what it applied without committing comes again).
 */
describe.runIf(FULL_CHAOS)(
  'Invariant 3 "applied once": consumer instances join and leave their groups under load',
  () => {
    let chaos: ChaosStack;
    const started = Date.now();

    beforeAll(async () => {
      chaos = await startChaosStack({ scenario: SCENARIO });
    });
    afterAll(async () => {
      await chaos?.close();
    });

    it('moves partitions between instances without losing a record or applying one twice', async () => {
      const t = timeline();
      const load = startLoad({
        targets: () => [chaos.url('order-service')],
        ratePerSecond: 10,
        maxOrders: 600,
        maxMs: 70_000,
        customers: 30,
        cancelEvery: 6,
      });
      await eventually(() => load.placed() >= 30, { timeoutMs: 30_000, what: '30 orders placed' });

      for (const n of [2, 3])
        for (const service of SCALED) await chaos.start(service, { instance: `${service}-${n}` });
      t.mark('scaled to 3 + 3');
      // Every added instance was given partitions: it handled records of its own.
      const handledBy: Record<string, number> = {};
      await eventually(
        async () => {
          for (const service of SCALED) {
            for (const n of [2, 3]) {
              const name = `${service}-${n}`;
              const o = consumerOutcomes(await scrape(chaos.instance(name).proc.url));
              handledBy[name] = o.applied + o.duplicate + o.skipped;
            }
          }
          return Object.values(handledBy).every((handled) => handled > 0);
        },
        { timeoutMs: 60_000, intervalMs: 1_000, what: 'every added instance to handle records' },
      );

      // Orders keep flowing while three instances share each group.
      await during(5_000, () => Promise.resolve(load.placed()));
      t.mark('ran with 3 + 3');

      await chaos.stop('payment-service-2');
      await chaos.stop('read-model-2');
      await chaos.kill('read-model-3');
      await chaos.stop('payment-service-3');
      t.mark('scaled back to 1 + 1');

      const result = await load.finished;
      t.mark('load done');
      expect(result.failures).toEqual([]);
      const s = await settle(chaos, 150_000, t.mark);
      // The inbox check inside: one row per distinct event and group, every order settled.
      expectNothingLostNothingTwice(s, result.orderIds);
      // order-service ran in one process throughout and saw no rebalance.
      expect(s.tally['order-service'].applied).toBe(actedOn(s.census, 'order-service').distinct);
      // The surviving instances applied no more than there is; the rest was the others'.
      for (const group of SCALED)
        expect(s.tally[group].applied).toBeLessThanOrEqual(actedOn(s.census, group).distinct);
      expectNoDeadLetters(s);
      expect(s.audit.deadLetters).toEqual(NO_DEAD_LETTERS);

      recordScenario(
        countsOf(SCENARIO, INVARIANT, result, s, { handledBy, timeline: t.marks }, started),
      );
    });
  },
);
