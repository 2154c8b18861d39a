import { ORDER_EVENTS_TOPIC, TOPOLOGY } from '@app/contracts';
import type { KafkaMessage, ProducerRecord } from 'kafkajs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';

import { DLT_HEADERS } from './dead-letter.js';
import { DeadLetterRouter } from './dead-letter-router.js';

const log = pino({ level: 'silent' });
const failedAt = new Date('2026-11-26T10:00:00.000Z');

const message: KafkaMessage = {
  key: Buffer.from('order-1'),
  value: Buffer.from('{"not":"an envelope"}'),
  offset: '42',
  timestamp: '0',
  attributes: 0,
  headers: { traceparent: '00-abc-def-01', 'event-type': 'OrderCreated' },
};

/** A producer that records what it is asked to send, or fails. */
const producer = (fails = false) => {
  const sent: ProducerRecord[] = [];
  return {
    sent,
    send: (record: ProducerRecord) =>
      fails ? Promise.reject(new Error('broker down')) : (sent.push(record), Promise.resolve([])),
  };
};

const router = (p: ReturnType<typeof producer> | null) =>
  new DeadLetterRouter({
    groupId: TOPOLOGY['payment-service'].group,
    deadLetterTopic: TOPOLOGY['payment-service'].deadLetterTopic,
    log,
    producer: p,
    now: () => failedAt,
  });

describe('DeadLetterRouter (invariant 7: bad input is contained)', () => {
  it('publishes the original key, bytes and headers, plus the reason and the source topic/partition/offset', async () => {
    const p = producer();
    const verdict = await router(p).route(
      { topic: ORDER_EVENTS_TOPIC, partition: 3, message },
      { reason: 'not-an-envelope', detail: 'must have required property eventId' },
    );

    expect(verdict).toBe('dead-lettered');
    expect(p.sent).toHaveLength(1);
    const [record] = p.sent;
    expect(record).toMatchObject({ topic: TOPOLOGY['payment-service'].deadLetterTopic, acks: -1 });
    const [letter] = record!.messages;
    expect(letter!.key).toEqual(message.key);
    expect(letter!.value).toEqual(message.value);
    expect(letter!.headers).toEqual({
      ...message.headers,
      [DLT_HEADERS.reason]: 'not-an-envelope',
      [DLT_HEADERS.error]: 'must have required property eventId',
      [DLT_HEADERS.sourceTopic]: ORDER_EVENTS_TOPIC,
      [DLT_HEADERS.sourcePartition]: '3',
      [DLT_HEADERS.sourceOffset]: '42',
      [DLT_HEADERS.consumerGroup]: 'payment-service',
      [DLT_HEADERS.failedAt]: failedAt.toISOString(),
    });
  });

  it('asks for a retry, never a skip, when the dead letter cannot be published', async () => {
    const verdict = await router(producer(true)).route(
      { topic: ORDER_EVENTS_TOPIC, partition: 0, message },
      { reason: 'malformed-bytes', detail: 'Unexpected token' },
    );
    expect(verdict).toBe('retry');
  });

  it('publishes nothing when the dead letters exist already (a rebuild re-reading the log)', async () => {
    const verdict = await router(null).route(
      { topic: ORDER_EVENTS_TOPIC, partition: 0, message },
      { reason: 'malformed-bytes', detail: 'Unexpected token' },
    );
    expect(verdict).toBe('dead-lettered');
  });
});
