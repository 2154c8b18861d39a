/**
 * The bare hand-rolled pipeline B8 compares against: insert (order + outbox row, one
 * transaction, NOTIFY trigger) -> a relay loop (LISTEN, SELECT, one idempotent kafkajs
 * producer, sendBatch, UPDATE) -> a kafkajs consumer -> one upsert per record. Plain pg and
 * kafkajs, its own tables and topic, no framework, no inbox, no validation, no tracing. The
 * relay and consumer run in their own process (bare-pipeline-worker.ts), as the services do;
 * the writer runs in the bench process, as the HTTP clients do.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';

import type { PidRegistry } from '@app/devstack';
import pg from 'pg';

import { dropDatabase, freshDatabase } from './databases.js';
import { benchKafka, createTopics, deleteTopics } from './kafka.js';
import { nowMs, sleep } from './stats.js';

export const BARE_DDL = [
  `CREATE TABLE bare_orders (
     id uuid PRIMARY KEY, customer_id text NOT NULL, total bigint NOT NULL,
     created_at timestamptz NOT NULL)`,
  `CREATE TABLE bare_outbox (
     id bigserial PRIMARY KEY, key text NOT NULL, payload text NOT NULL,
     published boolean NOT NULL DEFAULT false)`,
  `CREATE INDEX bare_outbox_unpublished ON bare_outbox (id) WHERE NOT published`,
  `CREATE FUNCTION bare_notify() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN PERFORM pg_notify('bare_outbox', ''); RETURN NULL; END $$`,
  `CREATE TRIGGER bare_notify AFTER INSERT ON bare_outbox
     FOR EACH STATEMENT EXECUTE FUNCTION bare_notify()`,
  `CREATE TABLE bare_view (
     order_id uuid PRIMARY KEY, customer_id text NOT NULL, total bigint NOT NULL,
     visible_at timestamptz NOT NULL)`,
];

export interface BarePipeline {
  /** One order: insert + outbox row in one transaction; resolves at commit. */
  insert(index: number): Promise<{ id: string; committedAt: number }>;
  /** Epoch ms at which each id became visible in the view (waits, bounded). */
  visibleAt(ids: string[], timeoutMs: number): Promise<Map<string, number>>;
  readonly pid: number;
  stop(): Promise<void>;
}

const DB = 'bench_bare';

export async function startBarePipeline(
  adminUrl: string,
  brokers: string[],
  registry: PidRegistry,
  tag: string,
): Promise<BarePipeline> {
  const url = await freshDatabase(adminUrl, DB);
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  for (const ddl of BARE_DDL) await setup.query(ddl);
  await setup.end();
  const topic = `bench.bare.${tag}`;
  const kafka = benchKafka(brokers, 'bench-bare-setup');
  await createTopics(kafka, [topic]);

  const entry = fileURLToPath(new URL('./bare-pipeline-worker.js', import.meta.url));
  const child: ChildProcess = fork(entry, [], {
    env: {
      ...process.env,
      BARE_DB_URL: url,
      BARE_BROKERS: brokers.join(','),
      BARE_TOPIC: topic,
      BARE_GROUP: `bench-bare-${tag}`,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pid = child.pid!;
  registry.record({ name: 'bench-bare-pipeline', pid, marker: entry });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bare pipeline not ready in 60 s')), 60_000);
    child.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bare pipeline worker exited (${String(code)})`));
    });
  });

  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    application_name: 'bench-bare-writer',
  });
  return {
    pid,
    insert: async (index) => {
      const id = randomUUID();
      const customerId = `bare-c-${index % 5000}`;
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(
          'INSERT INTO bare_orders (id, customer_id, total, created_at) VALUES ($1, $2, $3, now())',
          [id, customerId, 100],
        );
        await client.query('INSERT INTO bare_outbox (key, payload) VALUES ($1, $2)', [
          id,
          JSON.stringify({ orderId: id, customerId, total: 100, currency: 'EUR' }),
        ]);
        await client.query('COMMIT');
        return { id, committedAt: nowMs() };
      } finally {
        client.release();
      }
    },
    visibleAt: async (ids, timeoutMs) => {
      const deadline = nowMs() + timeoutMs;
      for (;;) {
        const { rows } = await pool.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM bare_view WHERE order_id = ANY($1::uuid[])',
          [ids],
        );
        if (rows[0]!.n >= ids.length || nowMs() > deadline) break;
        await sleep(100);
      }
      const { rows } = await pool.query<{ order_id: string; t: string }>(
        `SELECT order_id, (extract(epoch FROM visible_at) * 1000)::float8 AS t
           FROM bare_view WHERE order_id = ANY($1::uuid[])`,
        [ids],
      );
      return new Map(rows.map((r) => [r.order_id, Number(r.t)]));
    },
    stop: async () => {
      await pool.end();
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(15_000)]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      registry.forget('bench-bare-pipeline');
      await deleteTopics(kafka, [topic]);
      await dropDatabase(adminUrl, DB);
    },
  };
}
