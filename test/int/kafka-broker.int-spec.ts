import { randomUUID } from 'node:crypto';

import { testBrokers } from '../support/test-infra.js';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Proves the broker the launcher starts is a real Kafka: an idempotent producer's records
 * land in partitions by key, a consumer group reads them, and the group's committed offsets
 * come back through the admin API.
 */
describe('Kafka broker started by the launcher', () => {
  const topic = `launcher-proof-${randomUUID()}`;
  const groupId = `launcher-proof-group-${randomUUID()}`;
  let kafka: Kafka;

  beforeAll(async () => {
    kafka = new Kafka({
      clientId: 'broker-proof',
      brokers: testBrokers(),
      logLevel: logLevel.ERROR,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] });
    await admin.disconnect();
  });

  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('keeps per-key order through an idempotent producer and a committed consumer group', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const keys = ['order-a', 'order-b', 'order-c', 'order-d'];
    const messages = keys.flatMap((key) =>
      [1, 2, 3, 4, 5].map((seq) => ({ key, value: JSON.stringify({ key, seq }) })),
    );
    await producer.send({ topic, acks: -1, messages });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen = new Map<string, number[]>();
    const partitionOf = new Map<string, number>();
    let total = 0;
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const { key, seq } = JSON.parse(String(message.value)) as { key: string; seq: number };
            seen.set(key, [...(seen.get(key) ?? []), seq]);
            expect(partitionOf.get(key) ?? partition).toBe(partition);
            partitionOf.set(key, partition);
            await consumer.commitOffsets([
              { topic, partition, offset: (BigInt(message.offset) + 1n).toString() },
            ]);
            total += 1;
            if (total === messages.length) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();

    for (const key of keys) expect(seen.get(key)).toEqual([1, 2, 3, 4, 5]);

    const admin = kafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const latest = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    // A partition that got no record has no committed offset (-1).
    const committedSum = committed!.partitions.reduce(
      (n, p) => n + Math.max(0, Number(p.offset)),
      0,
    );
    const endSum = latest.reduce((n, p) => n + Number(p.high), 0);
    expect(committedSum).toBe(messages.length);
    expect(endSum).toBe(messages.length);
  });
});
