/**
 * B13's log: a rebuild's rate only means something over a log of some size, and a quick run
 * (or one that skips B4) leaves a few hundred records. This writes whole sagas straight into
 * order.events and payment.events, contract-valid envelopes with gap-free sequences (70 %
 * approved, 15 % rejected, 15 % approved then cancelled and refunded), and waits until every
 * consumer group has read them. The live read model projects them as it would any record;
 * order-service and payment-service find each record's id in their inbox already (inserted
 * here first) and change nothing, so the fill does not start a second saga per order.
 */
import { createHash } from 'node:crypto';

import {
  HEADERS,
  ORDER_EVENTS_TOPIC,
  PAYMENT_EVENTS_TOPIC,
  TOPOLOGY,
  type EventEnvelope,
} from '@app/contracts';
import type { Kafka, Message } from 'kafkajs';
import pg from 'pg';

import { groupsBehind } from './kafka.js';
import { nowMs, sleep } from './stats.js';

const uuidOf = (text: string): string => {
  const h = createHash('md5').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

type Stream = 'order' | 'payment';
interface Planned {
  stream: Stream;
  envelope: EventEnvelope;
}

/** One order's saga, in the order the services would publish it. */
function saga(tag: string, n: number, at: number): Planned[] {
  const orderId = uuidOf(`b13-${tag}-o-${n}`);
  const customerId = `b13-c-${n % 2000}`;
  const paymentId = uuidOf(`b13-${tag}-p-${n}`);
  const total = 100 + (n % 50) * 10;
  const events: Planned[] = [];
  let last: string | null = null;
  const add = (stream: Stream, eventType: string, sequence: number, payload: object): void => {
    const eventId = uuidOf(`b13-${tag}-e-${n}-${eventType}`);
    events.push({
      stream,
      envelope: {
        eventId,
        eventType,
        schemaVersion: eventType === 'OrderCreated' ? 2 : 1,
        aggregateId: orderId,
        sequence,
        occurredAt: new Date(at + events.length * 40).toISOString(),
        correlationId: orderId,
        causationId: last,
        payload,
      },
    });
    last = eventId;
  };
  const items = [{ sku: 'SKU-B13', quantity: 1, unitPrice: total }];
  add('order', 'OrderCreated', 1, {
    orderId,
    customerId,
    currency: 'EUR',
    items,
    total,
    salesChannel: 'api',
  });
  const money = { paymentId, orderId, customerId, amount: total, currency: 'EUR' };
  const kind = n % 20;
  if (kind < 3) {
    add('payment', 'PaymentRejected', 1, { ...money, reason: 'INSUFFICIENT_CREDIT' });
    add('order', 'OrderRejected', 2, { orderId, customerId, reason: 'INSUFFICIENT_CREDIT' });
    return events;
  }
  add('payment', 'PaymentAuthorized', 1, money);
  add('order', 'OrderApproved', 2, { orderId, customerId, paymentId });
  if (kind < 6) {
    add('order', 'OrderCancelled', 3, { orderId, customerId, reason: 'changed my mind' });
    add('payment', 'PaymentRefunded', 2, money);
  }
  return events;
}

export interface LogFill {
  orders: number;
  events: number;
  produceSeconds: number;
  /** From the last record sent until every group had read everything. */
  consumeSeconds: number;
}

type WriterUrls = { order_service: string; payment_service: string };

/** Adds sagas until both topics hold at least `events` records (nothing when they do). */
export function fillLog(
  kafka: Kafka,
  dbUrls: WriterUrls,
  have: number,
  events: number,
  tag: string,
  log: (line: string) => void,
): Promise<LogFill> {
  const planned: Planned[] = [];
  const at = Date.now() - 3_600_000;
  for (let n = 0; have + planned.length < events; n += 1) planned.push(...saga(tag, n, at + n));
  return writeSagas(kafka, dbUrls, planned, log);
}

/**
 * Adds the sagas of `orders` orders. The full run's B14 baseline reaches the read model this
 * way, so that a rebuild from the log holds every order the live views hold and their
 * checksums can match.
 */
export function fillLogWithOrders(
  kafka: Kafka,
  dbUrls: WriterUrls,
  orders: number,
  tag: string,
  log: (line: string) => void,
): Promise<LogFill> {
  const at = Date.now() - 3_600_000;
  const planned = Array.from({ length: orders }, (_, n) => saga(tag, n, at + n)).flat();
  return writeSagas(kafka, dbUrls, planned, log);
}

async function writeSagas(
  kafka: Kafka,
  dbUrls: WriterUrls,
  planned: Planned[],
  log: (line: string) => void,
): Promise<LogFill> {
  const orders = new Set(planned.map((p) => p.envelope.aggregateId)).size;
  if (planned.length === 0) return { orders: 0, events: 0, produceSeconds: 0, consumeSeconds: 0 };
  log(`  filling the log with ${planned.length} events of ${orders} orders`);

  // The writers consume the other service's stream: they must see every record as done.
  const seen = async (url: string, consumer: string, stream: Stream, topic: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const rows = planned.filter((p) => p.stream === stream).map((p) => p.envelope);
      for (let i = 0; i < rows.length; i += 20_000) {
        const part = rows.slice(i, i + 20_000);
        await client.query(
          `INSERT INTO inbox (consumer, event_id, event_type, topic, partition, "offset")
           SELECT $1, e, t, $2, 0, 0 FROM unnest($3::uuid[], $4::text[]) AS x(e, t)
           ON CONFLICT DO NOTHING`,
          [consumer, topic, part.map((e) => e.eventId), part.map((e) => e.eventType)],
        );
      }
    } finally {
      await client.end();
    }
  };
  await seen(
    dbUrls.payment_service,
    TOPOLOGY['payment-service'].group,
    'order',
    ORDER_EVENTS_TOPIC,
  );
  await seen(
    dbUrls.order_service,
    TOPOLOGY['order-service'].group,
    'payment',
    PAYMENT_EVENTS_TOPIC,
  );

  const t0 = nowMs();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const toMessage = ({ envelope: e }: Planned): Message => ({
      key: e.aggregateId,
      value: JSON.stringify(e),
      headers: {
        [HEADERS.eventType]: e.eventType,
        [HEADERS.schemaVersion]: String(e.schemaVersion),
        [HEADERS.eventId]: e.eventId,
        [HEADERS.correlationId]: e.correlationId,
      },
    });
    for (let i = 0; i < planned.length; i += 2000) {
      const part = planned.slice(i, i + 2000);
      await producer.sendBatch({
        acks: -1,
        topicMessages: [
          {
            topic: ORDER_EVENTS_TOPIC,
            messages: part.filter((p) => p.stream === 'order').map(toMessage),
          },
          {
            topic: PAYMENT_EVENTS_TOPIC,
            messages: part.filter((p) => p.stream === 'payment').map(toMessage),
          },
        ],
      });
    }
  } finally {
    await producer.disconnect();
  }
  const produceSeconds = (nowMs() - t0) / 1000;
  const t1 = nowMs();
  await untilGroupsCaughtUp(kafka, 15 * 60_000);
  return {
    orders,
    events: planned.length,
    produceSeconds,
    consumeSeconds: (nowMs() - t1) / 1000,
  };
}

/** Waits until every service's group has read both topics to their current end. */
async function untilGroupsCaughtUp(kafka: Kafka, timeoutMs: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = nowMs() + timeoutMs;
    for (;;) {
      const behind = await groupsBehind(admin);
      if (behind === 0) return;
      if (nowMs() > deadline) throw new Error(`consumer groups still ${behind} records behind`);
      await sleep(250);
    }
  } finally {
    await admin.disconnect();
  }
}
