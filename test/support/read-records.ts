import { readTopic } from '@app/messaging';
import type { E2eStack } from './e2e-stack.js';
import type { KafkaMessage } from 'kafkajs';

import { kafkaOf, type LoggedRecord } from './kafka.js';

/**
 * Reads `topic` from the beginning up to its end at the time of the call (the library's
 * readTopic) and returns the records of `orderIds` (by key, or by envelope when a record is
 * mis-keyed, so that tests can see it), in partition and offset order.
 */
export async function readRecords(
  stack: E2eStack,
  topic: string,
  orderIds: Iterable<string>,
): Promise<LoggedRecord[]> {
  const wanted = new Set(orderIds);
  const log = await readTopic(kafkaOf(stack, 'e2e-reader'), topic);
  return log.flatMap(({ partition, message }) => {
    const record = selected(wanted, { topic, partition, offset: BigInt(message.offset), message });
    return record ? [record] : [];
  });
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
