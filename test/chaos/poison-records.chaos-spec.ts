import {
  DEAD_LETTER_TOPICS,
  ORDER_EVENTS_TOPIC,
  PAYMENT_EVENTS_TOPIC,
  type ConsumerGroupName,
} from '@app/contracts';
import { DLT_HEADERS } from '@app/messaging';
import { GROUP_IDS, GROUP_TOPICS, eventually } from '@app/devstack';
import type { IHeaders } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { actedOn, resentTotal } from '../support/chaos/census.js';
import { startChaosStack, type ChaosStack } from '../support/chaos/chaos-stack.js';
import { startLoad } from '../support/chaos/load.js';
import { injectPoison, type InjectedRecord } from '../support/chaos/poison.js';
import { countsOf, recordScenario } from '../support/chaos/report.js';
import {
  expectNothingLostNothingTwice,
  settle,
  deadLettersByTopic,
} from '../support/chaos/settle.js';
import { timeline } from '../support/chaos/timeline.js';

const SCENARIO = 'poison-records';
const INVARIANT = '7 bad input is contained';

/** What a dead letter says about itself and where it came from. */
const describeLetter = (headers: IHeaders) => {
  const h = (name: string): string => headers[name]?.toString() ?? '';
  return {
    topic: h(DLT_HEADERS.sourceTopic),
    partition: Number(h(DLT_HEADERS.sourcePartition)),
    offset: h(DLT_HEADERS.sourceOffset),
    reason: h(DLT_HEADERS.reason),
    group: h(DLT_HEADERS.consumerGroup),
  };
};
type Place = { topic: string; partition: number; offset: string };
const byPlace = (a: Place, b: Place): number =>
  a.topic.localeCompare(b.topic) ||
  a.partition - b.partition ||
  Number(a.offset) - Number(b.offset);

/**
 * Core. Invariant 7 "bad input is contained": malformed bytes, an unknown event type, a
 * schemaVersion newer than any consumer knows and a contract violation, produced into BOTH
 * topics in the partitions of live sagas while orders flow. Each consuming group dead-letters
 * each bad record exactly once, with its reason and origin, and goes on: the sagas around
 * them complete.
 */
describe('Invariant 7 "bad input is contained": poison records in both topics under load', () => {
  let chaos: ChaosStack;
  const started = Date.now();

  beforeAll(async () => {
    chaos = await startChaosStack({ scenario: SCENARIO });
  });
  afterAll(async () => {
    await chaos?.close();
  });

  it('dead-letters every bad record once per consuming group, with reason and origin, and the good traffic completes', async () => {
    const t = timeline();
    const load = startLoad({
      targets: () => [chaos.url('order-service')],
      ratePerSecond: 20,
      maxOrders: 200,
      maxMs: 40_000,
      customers: 24,
      cancelEvery: 6,
    });
    // Keyed by orders just placed: the bad records share partitions with sagas in flight.
    const inFlight = await eventually(
      () => (load.placed() >= 80 ? load.snapshot().slice(-4) : false),
      { timeoutMs: 30_000, what: '80 orders placed' },
    );
    const injected = await injectPoison(chaos.brokers, inFlight);
    t.mark('poison injected');
    const result = await load.finished;
    t.mark('load done');
    expect(result.failures).toEqual([]);

    const s = await settle(chaos, 120_000, t.mark);
    expectNothingLostNothingTwice(s, result.orderIds);

    // Exactly the injected records, per group, each with its reason and origin.
    const expectedFor = (group: ConsumerGroupName): InjectedRecord[] =>
      injected.filter((r) => GROUP_TOPICS[group].topics.includes(r.topic));
    for (const group of GROUP_IDS) {
      const letters = s.census.deadLetters[DEAD_LETTER_TOPICS[group]]!;
      expect(
        letters.map((l) => describeLetter(l.message.headers ?? {})).sort(byPlace),
        `${DEAD_LETTER_TOPICS[group]} records`,
      ).toEqual(
        expectedFor(group)
          .map(({ topic, partition, offset, reason }) => ({
            topic,
            partition,
            offset,
            reason,
            group,
          }))
          .sort(byPlace),
      );
      // The original key and bytes, untouched, so a redrive replays exactly what came in.
      for (const letter of letters) {
        const origin = describeLetter(letter.message.headers ?? {});
        const source = injected.find(
          (r) =>
            r.topic === origin.topic &&
            r.partition === origin.partition &&
            r.offset === origin.offset,
        )!;
        expect(letter.message.key?.toString()).toBe(source.key);
      }
      expect(s.tally[group]['dead-lettered'], `${group} dead-lettered`).toBe(
        expectedFor(group).length,
      );
      // Good records: each applied once, nothing to deduplicate.
      expect(s.tally[group].applied, `${group} applied`).toBe(actedOn(s.census, group).distinct);
      expect(s.tally[group].duplicate, `${group} duplicates`).toBe(0);
    }
    expect(s.audit.deadLetters).toEqual(
      deadLettersByTopic({ 'order-service': 4, 'payment-service': 4, 'read-model': 8 }),
    );
    expect(s.census.undecodable).toEqual({ [ORDER_EVENTS_TOPIC]: 4, [PAYMENT_EVENTS_TOPIC]: 4 });
    expect(resentTotal(s.census)).toBe(0);

    recordScenario(
      countsOf(SCENARIO, INVARIANT, result, s, { injected, timeline: t.marks }, started),
    );
  });
});
