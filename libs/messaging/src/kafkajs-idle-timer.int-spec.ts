import { createRequire } from 'node:module';

import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaTestbed } from '@test/support/messaging/kafka-testbed.js';
import { testBrokers } from '@test/support/test-infra.js';

import { createKafka } from './kafka-client.js';

type Check = (this: unknown, ...args: unknown[]) => void;

/** Counts how often kafkajs's connections look for requests to send (its idle timer's work). */
function countPendingChecks(): { calls: () => number; restore: () => void } {
  const RequestQueue = createRequire(import.meta.url)(
    'kafkajs/src/network/requestQueue/index.js',
  ) as { prototype: { checkPendingRequests: Check } };
  const original = RequestQueue.prototype.checkPendingRequests;
  let calls = 0;
  RequestQueue.prototype.checkPendingRequests = function (this: unknown, ...args: unknown[]) {
    calls += 1;
    original.apply(this, args);
  };
  return {
    calls: () => calls,
    restore: () => {
      RequestQueue.prototype.checkPendingRequests = original;
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('kafkajs clients made by createKafka (kafkajs-idle-timer.ts)', () => {
  let testbed: KafkaTestbed;
  let topic: string;

  beforeAll(async () => {
    testbed = await KafkaTestbed.open('idle-timer-spec');
    topic = await testbed.createTopic('idle-timer', 1);
  });
  afterAll(() => testbed.close());

  it('do not wake every millisecond once idle (kafkajs 2.2.4 re-armed a 1 ms timer forever)', async () => {
    const kafka = createKafka('idle-timer-spec', testBrokers(), pino({ level: 'silent' }));
    const producer = kafka.producer();
    await producer.connect();
    const checks = countPendingChecks();
    try {
      // A completed request is what started kafkajs's loop on a connection. Its answer checks
      // the queue once: the counter sits on the class the clients really use.
      await producer.send({ topic, messages: [{ key: 'k', value: 'v' }] });
      expect(checks.calls()).toBeGreaterThan(0);
      const afterSend = checks.calls();
      // An idle second is the behaviour under test, so this waits on the clock.
      await sleep(1_000);
      // Unfixed, each of the producer's connections checks about 1,000 times a second.
      expect(checks.calls() - afterSend).toBeLessThan(50);
    } finally {
      checks.restore();
      await producer.disconnect();
    }
  });
});
