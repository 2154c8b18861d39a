import { randomUUID } from 'node:crypto';

import type { Kafka, KafkaMessage } from 'kafkajs';

export interface LoggedMessage {
  partition: number;
  message: KafkaMessage;
}

/**
 * Every record of `topic` from its start to its end at the time of the call, in partition
 * and offset order, read with a throwaway consumer group (deleted afterwards). For operator
 * tools and audits, not for processing.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  timeoutMs = 60_000,
): Promise<LoggedMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `reader-${randomUUID()}`;
  try {
    const remaining = new Map(
      (await admin.fetchTopicOffsets(topic))
        .filter((p) => BigInt(p.high) > BigInt(p.low))
        .map((p) => [p.partition, BigInt(p.high)]),
    );
    const found: LoggedMessage[] = [];
    if (remaining.size === 0) return found;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`reading ${topic} took over ${timeoutMs} ms`)),
          timeoutMs,
        );
        consumer
          .run({
            autoCommit: false,
            eachMessage: ({ partition, message }) => {
              const end = remaining.get(partition);
              if (end !== undefined && BigInt(message.offset) < end) {
                found.push({ partition, message });
                if (BigInt(message.offset) + 1n >= end) remaining.delete(partition);
              }
              if (remaining.size === 0) {
                clearTimeout(timer);
                resolve();
              }
              return Promise.resolve();
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return found.sort(
      (a, b) =>
        a.partition - b.partition || Number(BigInt(a.message.offset) - BigInt(b.message.offset)),
    );
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
