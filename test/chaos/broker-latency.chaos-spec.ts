import { eventually } from '@app/devstack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startChaosStack, type ChaosStack } from '../support/chaos/chaos-stack.js';
import { during } from '../support/chaos/during.js';
import { startLoad } from '../support/chaos/load.js';
import { outboxGauges } from '../support/chaos/outbox.js';
import { startProxiedBroker, type ProxiedBroker } from '../support/chaos/proxied-broker.js';
import { countsOf, recordScenario } from '../support/chaos/report.js';
import { FULL_CHAOS } from '../support/chaos/scope.js';
import {
  expectAppliedOnceResendsDropped,
  expectNoDeadLetters,
  expectNothingLostNothingTwice,
  settle,
} from '../support/chaos/settle.js';
import { timeline } from '../support/chaos/timeline.js';

const SCENARIO = 'broker-latency';
const INVARIANT = '1 no lost event, 3 applied once (a slow, then unreachable, broker)';
const RELAY = 'order-service-proxied';

/** Readiness, or 0 when it does not answer within 3 s (a probe would give up too). */
const ready = async (url: string): Promise<number> => {
  try {
    return (await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(3_000) })).status;
  } catch {
    return 0;
  }
};

/**
 * Invariants 1 and 3 when the path between the relay and the broker degrades. The only
 * relay runs in an order-service instance whose Kafka traffic goes through a TCP proxy (the
 * broker advertises the proxy to it through a second listener); the API instance has its
 * relay off. The proxy adds 300 ms to every chunk each way, then holds every byte for 10 s
 * (a blackhole: connections accepted, nothing moves), then heals.
 */
describe.runIf(FULL_CHAOS)(
  'Invariant 1 "no lost event": 300 ms latency, then a 10 s blackhole, between the relay and the broker',
  () => {
    let kafka: ProxiedBroker | undefined;
    let chaos: ChaosStack | undefined;
    const started = Date.now();
    const log = (line: string): void => console.log(`[chaos ${SCENARIO}] ${line}`);

    beforeAll(async () => {
      kafka = await startProxiedBroker(log);
      chaos = await startChaosStack({
        scenario: SCENARIO,
        brokers: kafka.brokers,
        env: { 'order-service': { OUTBOX_RELAY: 'off' } },
        extraLogs: [kafka.logFile],
      });
    });
    afterAll(async () => {
      try {
        await chaos?.close();
      } finally {
        await kafka?.stop();
      }
    });

    it('publishes everything once the path heals, and consumers apply each event once', async () => {
      const t = timeline();
      const c = chaos!;
      const proxy = kafka!.proxy;
      const relay = await c.start('order-service', {
        instance: RELAY,
        env: { KAFKA_BROKERS: kafka!.proxiedBrokers.join(','), OUTBOX_RELAY: 'on' },
      });
      await eventually(async () => (await outboxGauges(relay.proc.url)).leader === 1, {
        timeoutMs: 30_000,
        what: 'the proxied instance to lead the relay',
      });
      expect(proxy.stats().connections, 'connections through the proxy').toBeGreaterThan(0);
      const api = c.url('order-service');
      const load = startLoad({
        targets: () => [api],
        ratePerSecond: 10,
        maxOrders: 450,
        maxMs: 50_000,
        customers: 24,
        cancelEvery: 6,
      });
      await eventually(() => load.placed() >= 30, { timeoutMs: 30_000, what: '30 orders placed' });

      proxy.setLatency(300);
      t.mark('latency 300 ms');
      const before = (await outboxGauges(relay.proc.url)).published;
      const slow = await during(10_000, () => outboxGauges(api), 1_000);
      const publishedWhileSlow = (await outboxGauges(relay.proc.url)).published - before;
      // Slow is not stuck: the relay kept publishing through the delay.
      expect(publishedWhileSlow, 'rows published at 300 ms latency').toBeGreaterThan(0);

      proxy.setLatency(0);
      proxy.blackhole(true);
      t.mark('blackhole');
      const held = await during(10_000, async () => {
        const [gauges, relayReady] = await Promise.all([outboxGauges(api), ready(relay.proc.url)]);
        return { rows: gauges.rows, relayReady };
      });
      proxy.blackhole(false);
      t.mark('healed');
      // Nothing got through: the backlog grew, and the relay's instance said it was not ready.
      expect(Math.max(...held.map((h) => h.rows)), 'backlog during the blackhole').toBeGreaterThan(
        held[0]!.rows,
      );
      expect(
        held.some((h) => h.relayReady !== 200),
        'relay instance readiness',
      ).toBe(true);

      await eventually(async () => (await outboxGauges(api)).rows === 0, {
        timeoutMs: 90_000,
        intervalMs: 500,
        what: 'the backlog to drain after the blackhole',
      });
      t.mark('backlog drained');
      const result = await load.finished;
      t.mark('load done');
      expect(result.failures).toEqual([]);

      const s = await settle(c, 120_000, t.mark);
      expectNothingLostNothingTwice(s, result.orderIds);
      // payment-service and read-model reach the broker directly, one process each: each
      // distinct event applied once, each record a stalled send put in twice a duplicate.
      expectAppliedOnceResendsDropped(s, ['payment-service', 'read-model']);
      expectNoDeadLetters(s);

      recordScenario(
        countsOf(
          SCENARIO,
          INVARIANT,
          result,
          s,
          {
            publishedWhileSlow,
            backlogWhileSlow: slow.map((g) => g.rows),
            backlogInBlackhole: held.map((h) => h.rows),
            relayReadinessInBlackhole: held.map((h) => h.relayReady),
            proxy: proxy.stats(),
            timeline: t.marks,
          },
          started,
        ),
      );
    });
  },
);
