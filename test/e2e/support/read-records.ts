import { randomUUID } from 'node:crypto';

import type { E2eStack } from '@app/testing/e2e';
import type { KafkaMessage } from 'kafkajs';

import { kafkaOf, type LoggedRecord } from './kafka.js';

/**
 * Reads `topic` from the beginning up to its end at the time of the call (a fresh consumer
 * group, deleted afterwards) and returns the records of `orderIds` (by key, or by envelope
 * when a record is mis-keyed, so that tests can see it), in partition and offset order.
 */
export async function readRecords(
  stack: E2eStack,
  topic: string,
  orderIds: Iterable<string>,
): Promise<LoggedRecord[]> {
  const wanted = new Set(orderIds);
  const kafka = kafkaOf(stack, 'e2e-reader');
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `e2e-reader-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId });
  try {
    // Partition -> the offset one past its last record now; reading stops there.
    const ends = new Map<number, bigint>();
    for (const p of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(p.high) > BigInt(p.low)) ends.set(p.partition, BigInt(p.high));
    }
    const found: LoggedRecord[] = [];
    if (ends.size > 0) {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`reading ${topic} took over 60 s`)),
          60_000,
        );
        consumer
          .run({
            eachMessage: ({ partition, message }) => {
              const offset = BigInt(message.offset);
              const record = selected(wanted, { topic, partition, offset, message });
              if (record) found.push(record);
              if (offset + 1n >= (ends.get(partition) ?? 0n)) ends.delete(partition);
              if (ends.size === 0) {
                clearTimeout(timer);
                resolve();
              }
              return Promise.resolve();
            },
          })
          .catch(reject);
      });
    }
    return found.sort((a, b) => a.partition - b.partition || (a.offset < b.offset ? -1 : 1));
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

function selected(
  wanted: ReadonlySet<string>,
  at: { topic: string; partition: number; offset: bigint; message: KafkaMessage },
): LoggedRecord | undefined {
  const { key, value, headers } = at.message;
  if (!value) return undefined;
  let envelope: LoggedRecord['envelope'];
  try {
    envelope = JSON.parse(value.toString()) as LoggedRecord['envelope'];
  } catch {
    return undefined; // not an event (other tests put malformed bytes on the topics)
  }
  const keyText = key?.toString() ?? '';
  const orderId = wanted.has(keyText) ? keyText : envelope?.aggregateId;
  if (!orderId || !wanted.has(orderId)) return undefined;
  const { topic, partition, offset } = at;
  return {
    topic,
    partition,
    offset,
    orderId,
    key: key ?? Buffer.alloc(0),
    value,
    headers: headers ?? {},
    envelope,
  };
}
