/**
 * B14's stored history: orders that went through the whole saga long ago, inserted straight
 * into the three services' databases with generate_series (not through the API, and not into
 * Kafka: the point is the size of the databases, not of the log). Per order, what the
 * services would hold: order-service (order APPROVED, OrderCreated + OrderApproved outbox
 * rows already published, stream counter, inbox row for PaymentAuthorized), payment-service
 * (AUTHORIZED payment, credit account debited, PaymentAuthorized outbox row, stream counter,
 * inbox row for OrderCreated), read-model (order view, customer summary and amounts, three
 * inbox rows). Ids are derived from the order number, so the three databases agree.
 * Timestamps lie in the past hour and a half (inside the outbox/inbox retention horizons,
 * and before anything the bench measures).
 */
import { ORDER_EVENTS_TOPIC, PAYMENT_EVENTS_TOPIC, TOPOLOGY } from '@app/contracts';
import pg from 'pg';

import { nowMs } from './stats.js';

const CUSTOMERS = 10_000;

const ORDER = `md5('pre-o-' || g)::uuid`;
const PAY = `md5('pre-p-' || g)::uuid`;
const CUST = `'pre-c-' || (g % ${CUSTOMERS})`;
const TS = `(now() - interval '100 minutes' + g * interval '1 millisecond')`;
const ITEMS = `'[{"sku":"SKU-PRE","quantity":1,"unitPrice":100}]'::jsonb`;

const envelope = (type: string, version: number, seq: number, payload: string): string =>
  `jsonb_build_object('eventId', gen_random_uuid(), 'eventType', '${type}', 'schemaVersion', ${version},
     'aggregateId', ${ORDER}, 'sequence', ${seq}, 'occurredAt', to_char(${TS} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
     'correlationId', ${ORDER}, 'causationId', NULL, 'payload', ${payload})`;

const HEADERS = (type: string): string =>
  `jsonb_build_object('event-type', '${type}', 'schema-version', '1', 'event-id', gen_random_uuid(),
     'correlation-id', ${ORDER}, 'traceparent', '00-' || md5(g::text) || '-' || left(md5('s' || g), 16) || '-01')`;

const outboxRow = (topic: string, type: string, version: number, seq: number, payload: string) => `
  INSERT INTO outbox (event_id, topic, message_key, aggregate_id, sequence, event_type, schema_version,
                      envelope, headers, created_at, published_at)
  SELECT gen_random_uuid(), '${topic}', ${ORDER}::text, ${ORDER}::text, ${seq}, '${type}', ${version},
         ${envelope(type, version, seq, payload)}, ${HEADERS(type)}, ${TS}, ${TS} + interval '20 milliseconds'
    FROM generate_series($1::int, $2::int) g`;

const inboxRows = (consumer: string, topic: string, type: string, name: string) => `
  INSERT INTO inbox (consumer, event_id, event_type, topic, partition, "offset", processed_at)
  SELECT '${consumer}', md5('${name}-' || g)::uuid, '${type}', '${topic}', g % 6, g, ${TS} + interval '50 milliseconds'
    FROM generate_series($1::int, $2::int) g
  ON CONFLICT (consumer, event_id) DO NOTHING`;

const CREATED_PAYLOAD = `jsonb_build_object('orderId', ${ORDER}, 'customerId', ${CUST}, 'currency', 'EUR',
  'items', ${ITEMS}, 'total', 100, 'salesChannel', 'api')`;
const APPROVED_PAYLOAD = `jsonb_build_object('orderId', ${ORDER}, 'customerId', ${CUST}, 'paymentId', ${PAY})`;
const AUTHORIZED_PAYLOAD = `jsonb_build_object('paymentId', ${PAY}, 'orderId', ${ORDER}, 'customerId', ${CUST},
  'amount', 100, 'currency', 'EUR')`;

const PER_CUSTOMER = `SELECT ${CUST} AS customer_id, count(*)::int AS n FROM generate_series($1::int, $2::int) g GROUP BY 1`;

const ORDER_SERVICE = [
  `INSERT INTO orders (order_id, customer_id, currency, items, total, status, rejection_reason, payment_id,
                       idempotency_key, request_hash, correlation_id, created_at, updated_at)
   SELECT ${ORDER}, ${CUST}, 'EUR', ${ITEMS}, 100, 'APPROVED', NULL, ${PAY}, 'pre-' || g,
          md5('h' || g) || md5('i' || g), ${ORDER}::text, ${TS}, ${TS} + interval '40 milliseconds'
     FROM generate_series($1::int, $2::int) g`,
  outboxRow(ORDER_EVENTS_TOPIC, 'OrderCreated', 2, 1, CREATED_PAYLOAD),
  outboxRow(ORDER_EVENTS_TOPIC, 'OrderApproved', 1, 2, APPROVED_PAYLOAD),
  `INSERT INTO outbox_streams (topic, aggregate_id, last_sequence)
   SELECT '${ORDER_EVENTS_TOPIC}', ${ORDER}::text, 2 FROM generate_series($1::int, $2::int) g`,
  inboxRows(TOPOLOGY['order-service'].group, PAYMENT_EVENTS_TOPIC, 'PaymentAuthorized', 'pre-pa'),
];

const PAYMENT_SERVICE = [
  `INSERT INTO payments (order_id, payment_id, customer_id, amount, currency, status, reason, created_at, updated_at)
   SELECT ${ORDER}, ${PAY}, ${CUST}, 100, 'EUR', 'AUTHORIZED', NULL, ${TS}, ${TS}
     FROM generate_series($1::int, $2::int) g`,
  `INSERT INTO credit_accounts (customer_id, currency, credit_limit, available)
   SELECT customer_id, 'EUR', 100000, 100000 - 100 * n FROM (${PER_CUSTOMER}) c
   ON CONFLICT (customer_id) DO UPDATE SET available = credit_accounts.available - (100000 - EXCLUDED.available)`,
  outboxRow(PAYMENT_EVENTS_TOPIC, 'PaymentAuthorized', 1, 1, AUTHORIZED_PAYLOAD),
  `INSERT INTO outbox_streams (topic, aggregate_id, last_sequence)
   SELECT '${PAYMENT_EVENTS_TOPIC}', ${ORDER}::text, 1 FROM generate_series($1::int, $2::int) g`,
  inboxRows(TOPOLOGY['payment-service'].group, ORDER_EVENTS_TOPIC, 'OrderCreated', 'pre-oc'),
];

const READ_MODEL = [
  `INSERT INTO order_views (order_id, customer_id, status, currency, total, items, sales_channel,
                            rejection_reason, cancel_reason, payment_id, payment_status, payment_amount,
                            payment_reason, order_seq, payment_seq, created_at, updated_at)
   SELECT ${ORDER}, ${CUST}, 'APPROVED', 'EUR', 100, ${ITEMS}, 'api', NULL, NULL, ${PAY}, 'AUTHORIZED', 100,
          NULL, 2, 1, ${TS}, ${TS} + interval '40 milliseconds'
     FROM generate_series($1::int, $2::int) g`,
  `INSERT INTO customer_summaries (customer_id, orders, approved, payments_authorized)
   SELECT customer_id, n, n, n FROM (${PER_CUSTOMER}) c
   ON CONFLICT (customer_id) DO UPDATE SET orders = customer_summaries.orders + EXCLUDED.orders,
     approved = customer_summaries.approved + EXCLUDED.approved,
     payments_authorized = customer_summaries.payments_authorized + EXCLUDED.payments_authorized`,
  `INSERT INTO customer_amounts (customer_id, currency, authorized, refunded)
   SELECT customer_id, 'EUR', 100 * n, 0 FROM (${PER_CUSTOMER}) c
   ON CONFLICT (customer_id, currency) DO UPDATE SET authorized = customer_amounts.authorized + EXCLUDED.authorized`,
  inboxRows(TOPOLOGY['read-model'].group, ORDER_EVENTS_TOPIC, 'OrderCreated', 'pre-oc'),
  inboxRows(TOPOLOGY['read-model'].group, PAYMENT_EVENTS_TOPIC, 'PaymentAuthorized', 'pre-pa'),
  inboxRows(TOPOLOGY['read-model'].group, ORDER_EVENTS_TOPIC, 'OrderApproved', 'pre-oa'),
];

const ANALYZE: Record<string, string[]> = {
  order_service: ['orders', 'outbox', 'outbox_streams', 'inbox'],
  payment_service: ['payments', 'credit_accounts', 'outbox', 'outbox_streams', 'inbox'],
  read_model: ['order_views', 'customer_summaries', 'customer_amounts', 'inbox'],
};

export interface PreloadResult {
  from: number;
  to: number;
  seconds: number;
  perDatabaseSeconds: Record<string, number>;
  sizesMb: Record<string, number>;
}

type Db = 'order_service' | 'payment_service' | 'read_model';

/**
 * Orders number `from`..`to` (inclusive), in chunks, the three databases in parallel.
 * `fromFor` starts one database elsewhere (the read model after a rebuild swapped its views
 * for the log's, which never held the preloaded orders).
 */
export async function preload(
  urls: Record<Db, string>,
  from: number,
  to: number,
  log: (line: string) => void,
  fromFor: Partial<Record<Db, number>> = {},
  chunk = 100_000,
): Promise<PreloadResult> {
  const start = nowMs();
  const perDatabaseSeconds: Record<string, number> = {};
  const sizesMb: Record<string, number> = {};
  const plan: [Db, string[]][] = [
    ['order_service', ORDER_SERVICE],
    ['payment_service', PAYMENT_SERVICE],
    ['read_model', READ_MODEL],
  ];
  await Promise.all(
    plan.map(async ([db, statements]) => {
      const client = new pg.Client({
        connectionString: urls[db],
        application_name: 'bench-preload',
      });
      await client.connect();
      const t = nowMs();
      try {
        for (let a = fromFor[db] ?? from; a <= to; a += chunk) {
          const b = Math.min(to, a + chunk - 1);
          await client.query('BEGIN');
          for (const sql of statements) await client.query(sql, [a, b]);
          await client.query('COMMIT');
          if (to - from > chunk)
            log(`    ${db}: orders ${a}..${b} (${((nowMs() - t) / 1000).toFixed(0)} s)`);
        }
        // VACUUM too: bulk-inserted tables otherwise get their insert-triggered autovacuum
        // while the next phase measures (PostgreSQL at ~24% CPU on an idle system).
        for (const table of ANALYZE[db]!) await client.query(`VACUUM (ANALYZE) ${table}`);
        perDatabaseSeconds[db] = (nowMs() - t) / 1000;
        const size = await client.query<{ b: string }>(
          'SELECT pg_database_size(current_database()) AS b',
        );
        sizesMb[db] = Math.round(Number(size.rows[0]!.b) / 1024 / 1024);
      } finally {
        await client.end();
      }
    }),
  );
  return { from, to, seconds: (nowMs() - start) / 1000, perDatabaseSeconds, sizesMb };
}
