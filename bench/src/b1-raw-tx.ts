/**
 * B1: the raw cost of what POST /orders commits (order row + stream counter + outbox row, one
 * transaction), with plain `pg` clients back to back on a scratch database that has the
 * service's own tables, indices and NOTIFY trigger. R1 is the reference the end-to-end rate
 * is judged against.
 */
import { createHash, randomUUID } from 'node:crypto';

import { ORDER_EVENTS_TOPIC } from '@app/contracts';
import pg from 'pg';

import { orderServiceTables, freshDatabase, dropDatabase } from './databases.js';
import { headersFor, orderCreatedEnvelope, UNIT_PRICE } from './fixtures.js';
import { nowMs } from './stats.js';

export interface B1Result {
  txPerSecond: number;
  clients: number;
  seconds: number;
  transactions: number;
  meanTxMs: number;
}

export async function runB1(
  adminUrl: string,
  opts: { clients: number; seconds: number; warmupSeconds: number },
): Promise<B1Result> {
  const url = await freshDatabase(adminUrl, 'bench_raw_tx');
  await orderServiceTables(url);
  const clients = await Promise.all(
    Array.from({ length: opts.clients }, async () => {
      const c = new pg.Client({ connectionString: url, application_name: 'bench-b1' });
      await c.connect();
      return c;
    }),
  );
  let seq = 0;
  const once = async (c: pg.Client): Promise<void> => {
    const orderId = randomUUID();
    const key = `b1-${seq++}-${orderId.slice(0, 8)}`;
    const customerId = `b1-c-${seq % 5000}`;
    const now = new Date();
    const items = [{ sku: 'SKU-BENCH', quantity: 1, unitPrice: UNIT_PRICE }];
    const hash = createHash('sha256')
      .update(JSON.stringify([customerId, 'EUR', items]))
      .digest('hex');
    const envelope = orderCreatedEnvelope(orderId, customerId, now);
    await c.query('BEGIN');
    try {
      await c.query(
        `INSERT INTO orders (order_id, customer_id, currency, items, total, status, rejection_reason,
                             payment_id, idempotency_key, request_hash, correlation_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT DO NOTHING RETURNING order_id`,
        [
          orderId,
          customerId,
          'EUR',
          JSON.stringify(items),
          UNIT_PRICE,
          'PENDING',
          null,
          null,
          key,
          hash,
          orderId,
          now,
          now,
        ],
      );
      const { rows } = await c.query<{ last_sequence: number }>(
        `INSERT INTO outbox_streams (topic, aggregate_id, last_sequence) VALUES ($1, $2, 1)
         ON CONFLICT (topic, aggregate_id)
         DO UPDATE SET last_sequence = outbox_streams.last_sequence + 1
         RETURNING last_sequence`,
        [ORDER_EVENTS_TOPIC, orderId],
      );
      await c.query(
        `INSERT INTO outbox (event_id, topic, message_key, aggregate_id, sequence, event_type,
                             schema_version, envelope, headers)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          envelope.eventId,
          ORDER_EVENTS_TOPIC,
          orderId,
          orderId,
          rows[0]!.last_sequence,
          'OrderCreated',
          2,
          JSON.stringify(envelope),
          JSON.stringify(headersFor(envelope)),
        ],
      );
      await c.query('COMMIT');
    } catch (error) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  };

  const loop = async (seconds: number): Promise<{ n: number; ms: number }> => {
    let n = 0;
    const start = nowMs();
    const end = start + seconds * 1000;
    await Promise.all(
      clients.map(async (c) => {
        while (nowMs() < end) {
          await once(c);
          n += 1;
        }
      }),
    );
    return { n, ms: nowMs() - start };
  };

  try {
    await loop(opts.warmupSeconds);
    const { n, ms } = await loop(opts.seconds);
    return {
      txPerSecond: (n / ms) * 1000,
      clients: opts.clients,
      seconds: ms / 1000,
      transactions: n,
      meanTxMs: (ms * opts.clients) / n,
    };
  } finally {
    await Promise.all(clients.map((c) => c.end()));
    await dropDatabase(adminUrl, 'bench_raw_tx');
  }
}
