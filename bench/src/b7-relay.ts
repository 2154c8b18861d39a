/**
 * B7: the outbox relay (libs/messaging's OutboxRelay, in-process) draining a backlog that was
 * inserted directly into an outbox with the services' schema, against the same messages sent
 * by a bare idempotent kafkajs producer in batches of the same size.
 */
import { OutboxRelay, type RelayMetrics } from '@app/messaging';
import type { Kafka } from 'kafkajs';
import pg from 'pg';

import { dropDatabase, freshDatabase, messagingTables } from './databases.js';
import { headersFor, orderCreatedEnvelope } from './fixtures.js';
import {
  benchKafka,
  createTopics,
  deleteTopics,
  quietLogger,
  timedKafka,
  type SendTimer,
} from './kafka.js';
import { nowMs, sleep } from './stats.js';

export interface DrainResult {
  messages: number;
  seconds: number;
  msgsPerSecond: number;
  batches: number;
  sendSeconds: number;
  /** Wall time outside sendBatch: the relay's SELECT and UPDATE, grouping, loop overhead. */
  otherSeconds: number;
}

export interface B7Result {
  rows: number;
  batchSize: number;
  insertSeconds: number;
  relay: DrainResult;
  raw: DrainResult;
  /** The relay alone at other batch sizes (RELAY_BATCH_SIZE), on a fresh backlog each. */
  sweep: { batchSize: number; rows: number; relay: DrainResult }[];
  /** B10: the same relay and backlog with @platformatic/kafka behind it (when installed). */
  platformatic: DrainResult | null;
}

interface Row {
  message_key: string;
  envelope: string;
  headers: Record<string, string>;
}

export async function insertBacklog(url: string, topic: string, rows: number): Promise<number> {
  const template = orderCreatedEnvelope('00000000-0000-4000-8000-000000000000', 'c', new Date());
  const headers = headersFor(template);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const start = nowMs();
  try {
    const chunk = 50_000;
    for (let done = 0; done < rows; done += chunk) {
      const n = Math.min(chunk, rows - done);
      await client.query(
        `INSERT INTO outbox (event_id, topic, message_key, aggregate_id, sequence, event_type,
                             schema_version, envelope, headers)
         SELECT e.event_id, $1, e.agg::text, e.agg::text, 1, 'OrderCreated', 2,
                jsonb_set(jsonb_set(jsonb_set(jsonb_set(jsonb_set($2::jsonb,
                  '{eventId}', to_jsonb(e.event_id::text)),
                  '{aggregateId}', to_jsonb(e.agg::text)),
                  '{correlationId}', to_jsonb(e.agg::text)),
                  '{payload,orderId}', to_jsonb(e.agg::text)),
                  '{payload,customerId}', to_jsonb('bench-c-' || (e.g % 5000))),
                jsonb_set($3::jsonb, '{event-id}', to_jsonb(e.event_id::text))
           FROM (SELECT g, gen_random_uuid() AS agg, gen_random_uuid() AS event_id
                   FROM generate_series(1, $4::int) g) e`,
        [topic, JSON.stringify(template), JSON.stringify(headers), n],
      );
    }
    await client.query('ANALYZE outbox');
  } finally {
    await client.end();
  }
  return (nowMs() - start) / 1000;
}

/** The bare producer: same rows, same keys, same batch size, one idempotent producer. */
async function rawDrain(
  kafka: Kafka,
  url: string,
  topic: string,
  batchSize: number,
): Promise<DrainResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client
    .query<Row>(`SELECT message_key, envelope::text AS envelope, headers FROM outbox ORDER BY id`)
    .finally(() => client.end());
  const timer: SendTimer = { sendMs: 0, batches: 0 };
  const producer = timedKafka(kafka, timer).producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  const start = nowMs();
  await producer.connect();
  for (let i = 0; i < rows.length; i += batchSize) {
    const messages = rows
      .slice(i, i + batchSize)
      .map((r) => ({ key: r.message_key, value: r.envelope, headers: r.headers }));
    await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] });
  }
  const seconds = (nowMs() - start) / 1000;
  await producer.disconnect();
  return {
    messages: rows.length,
    seconds,
    msgsPerSecond: rows.length / seconds,
    batches: timer.batches,
    sendSeconds: timer.sendMs / 1000,
    otherSeconds: seconds - timer.sendMs / 1000,
  };
}

/** Starts an OutboxRelay on `url` and times it until `expected` rows are marked published. */
export async function relayDrain(
  kafka: Kafka,
  url: string,
  expected: number,
  batchSize: number,
): Promise<DrainResult> {
  const timer: SendTimer = { sendMs: 0, batches: 0 };
  let published = 0;
  let failures = 0;
  const metrics: RelayMetrics = {
    published: (n) => {
      published += n;
    },
    failed: () => {
      failures += 1;
    },
    leader: () => undefined,
  };
  const relay = new OutboxRelay({
    databaseUrl: url,
    kafka: timedKafka(kafka, timer),
    log: quietLogger(),
    metrics,
    batchSize,
  });
  const start = nowMs();
  relay.start();
  const deadline = start + 30 * 60_000;
  while (published < expected && nowMs() < deadline) await sleep(5);
  const seconds = (nowMs() - start) / 1000;
  await relay.stop();
  if (published < expected) throw new Error(`relay published ${published}/${expected} in time`);
  if (failures > 0) quietLogger().warn({ failures }, 'relay batches failed during B7');
  return {
    messages: published,
    seconds,
    msgsPerSecond: published / seconds,
    batches: timer.batches,
    sendSeconds: timer.sendMs / 1000,
    otherSeconds: seconds - timer.sendMs / 1000,
  };
}

export async function runB7(
  adminUrl: string,
  brokers: string[],
  opts: {
    rows: number;
    batchSize: number;
    tag: string;
    sweep?: { sizes: number[]; rows: number };
    /** A kafkajs-shaped client over another library (B10). */
    alternative?: Kafka;
  },
): Promise<B7Result> {
  const kafka = benchKafka(brokers, 'bench-b7');
  const relayTopic = `bench.relay.${opts.tag}`;
  const rawTopic = `bench.raw-producer.${opts.tag}`;
  await createTopics(kafka, [relayTopic, rawTopic]);
  const url = await freshDatabase(adminUrl, 'bench_relay');
  try {
    await messagingTables(url);
    const insertSeconds = await insertBacklog(url, relayTopic, opts.rows);
    const raw = await rawDrain(kafka, url, rawTopic, opts.batchSize);
    const relay = await relayDrain(kafka, url, opts.rows, opts.batchSize);
    const sweep: B7Result['sweep'] = [];
    for (const size of opts.sweep?.sizes ?? []) {
      const rows = opts.sweep!.rows;
      await insertBacklog(url, relayTopic, rows);
      sweep.push({ batchSize: size, rows, relay: await relayDrain(kafka, url, rows, size) });
    }
    let platformatic: DrainResult | null = null;
    if (opts.alternative) {
      await insertBacklog(url, relayTopic, opts.rows);
      platformatic = await relayDrain(opts.alternative, url, opts.rows, opts.batchSize);
    }
    return {
      rows: opts.rows,
      batchSize: opts.batchSize,
      insertSeconds,
      relay,
      raw,
      sweep,
      platformatic,
    };
  } finally {
    await dropDatabase(adminUrl, 'bench_relay');
    await deleteTopics(kafka, [relayTopic, rawTopic]);
  }
}
