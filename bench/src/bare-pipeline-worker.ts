/**
 * The relay and consumer half of the bare pipeline (see bare-pipeline.ts), in its own process.
 * Started by the bench with fork(); reports readiness over IPC; stops on SIGTERM.
 */
import { fixKafkajsIdleTimer } from '@app/messaging';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';

const url = process.env.BARE_DB_URL!;
const topic = process.env.BARE_TOPIC!;
// The same kafkajs as the services' (its idle timer loop fixed: kafkajs-idle-timer.ts).
fixKafkajsIdleTimer();
const kafka = new Kafka({
  clientId: 'bench-bare',
  brokers: process.env.BARE_BROKERS!.split(','),
  logLevel: logLevel.ERROR,
});

let running = true;
let wake: (() => void) | undefined;
let notified = false;

async function relay(): Promise<void> {
  const client = new pg.Client({ connectionString: url, application_name: 'bench-bare-relay' });
  await client.connect();
  client.on('notification', () => {
    notified = true;
    wake?.();
  });
  await client.query('LISTEN bare_outbox');
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  ready.relay = true;
  while (running) {
    const { rows } = await client.query<{ id: string; key: string; payload: string }>(
      'SELECT id, key, payload FROM bare_outbox WHERE NOT published ORDER BY id LIMIT 500',
    );
    if (rows.length > 0) {
      await producer.sendBatch({
        acks: -1,
        topicMessages: [{ topic, messages: rows.map((r) => ({ key: r.key, value: r.payload })) }],
      });
      await client.query('UPDATE bare_outbox SET published = true WHERE id = ANY($1::bigint[])', [
        rows.map((r) => r.id),
      ]);
    }
    if (rows.length < 500) {
      if (!notified) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 1000);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      notified = false;
      wake = undefined;
    }
  }
  await producer.disconnect();
  await client.end();
}

const pool = new pg.Pool({
  connectionString: url,
  max: 10,
  application_name: 'bench-bare-consumer',
});
const consumer = kafka.consumer({ groupId: process.env.BARE_GROUP!, maxWaitTimeInMs: 500 });
const ready = { relay: false, consumer: false };

async function consume(): Promise<void> {
  await consumer.connect();
  consumer.on(consumer.events.GROUP_JOIN, () => {
    ready.consumer = true;
  });
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 6,
    eachBatch: async (payload) => {
      const { batch } = payload;
      let last: string | undefined;
      for (const message of batch.messages) {
        const order = JSON.parse(message.value!.toString('utf8')) as {
          orderId: string;
          customerId: string;
          total: number;
        };
        await pool.query(
          `INSERT INTO bare_view (order_id, customer_id, total, visible_at)
           VALUES ($1, $2, $3, clock_timestamp()) ON CONFLICT (order_id) DO NOTHING`,
          [order.orderId, order.customerId, order.total],
        );
        payload.resolveOffset(message.offset);
        last = message.offset;
      }
      if (last !== undefined) {
        await consumer.commitOffsets([
          {
            topic: batch.topic,
            partition: batch.partition,
            offset: (BigInt(last) + 1n).toString(),
          },
        ]);
      }
      await payload.heartbeat();
    },
  });
}

const relayDone = relay();
await consume();
while (!(ready.relay && ready.consumer)) await new Promise((r) => setTimeout(r, 50));
process.send?.('ready');

process.on('SIGTERM', () => {
  running = false;
  wake?.();
  void (async () => {
    await relayDone.catch(() => undefined);
    await consumer.disconnect().catch(() => undefined);
    await pool.end().catch(() => undefined);
    process.exit(0);
  })();
});
