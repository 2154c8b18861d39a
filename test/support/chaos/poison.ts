import { randomUUID } from 'node:crypto';

import { ORDER_EVENTS_TOPIC, PAYMENT_EVENTS_TOPIC, type DeadLetterReason } from '@app/contracts';
import { Kafka, logLevel } from 'kafkajs';

export interface InjectedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  reason: DeadLetterReason;
}

/** A well-formed envelope around `payload`, so only the intended defect is wrong. */
const envelope = (eventType: string, schemaVersion: number, orderId: string, payload: object) =>
  JSON.stringify({
    eventId: randomUUID(),
    eventType,
    schemaVersion,
    aggregateId: orderId,
    sequence: 1000,
    occurredAt: new Date().toISOString(),
    correlationId: randomUUID(),
    causationId: null,
    payload: { orderId, ...payload },
  });

/** One record per defect that invariant 7 names, for each stream (its own event types). */
function badValues(topic: string, orderId: string): { value: Buffer; reason: DeadLetterReason }[] {
  const known = topic === ORDER_EVENTS_TOPIC ? 'OrderCreated' : 'PaymentAuthorized';
  const unknown = topic === ORDER_EVENTS_TOPIC ? 'OrderTeleported' : 'PaymentTeleported';
  return [
    // Not UTF-8 at all.
    { value: Buffer.from([0xc3, 0x28, 0xff, 0x7b]), reason: 'malformed-bytes' },
    { value: Buffer.from(envelope(unknown, 1, orderId, {})), reason: 'unknown-event-type' },
    { value: Buffer.from(envelope(known, 99, orderId, {})), reason: 'unsupported-version' },
    // A contract violation: a known version whose payload lacks its required fields.
    { value: Buffer.from(envelope(known, 1, orderId, {})), reason: 'schema-violation' },
  ];
}

/**
 * Produces the bad records into both topics, keyed by orders that are in flight, so they sit
 * in the partitions of live sagas. Returns where each one landed.
 */
export async function injectPoison(
  brokers: string[],
  orderIds: string[],
): Promise<InjectedRecord[]> {
  const kafka = new Kafka({ clientId: 'chaos-poison', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const injected: InjectedRecord[] = [];
  try {
    for (const topic of [ORDER_EVENTS_TOPIC, PAYMENT_EVENTS_TOPIC]) {
      for (let i = 0; i < 4; i += 1) {
        const key = orderIds[i % orderIds.length]!;
        const bad = badValues(topic, key)[i]!;
        const [meta] = await producer.send({
          topic,
          acks: -1,
          messages: [{ key, value: bad.value }],
        });
        injected.push({
          topic,
          partition: meta!.partition,
          offset: meta!.baseOffset!,
          key,
          reason: bad.reason,
        });
      }
    }
  } finally {
    await producer.disconnect();
  }
  return injected;
}
