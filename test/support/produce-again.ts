import type { E2eStack } from './e2e-stack.js';

import { kafkaOf, type LoggedRecord } from './kafka.js';

/** Produces records again exactly as they were: same partition, key, value and headers. */
export async function produceAgain(
  stack: E2eStack,
  records: readonly LoggedRecord[],
): Promise<void> {
  const producer = kafkaOf(stack, 'e2e-duplicator').producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (const topic of new Set(records.map((r) => r.topic))) {
      await producer.send({
        topic,
        acks: -1,
        messages: records
          .filter((r) => r.topic === topic)
          .map((r) => ({ partition: r.partition, key: r.key, value: r.value, headers: r.headers })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}
