import type { Kafka, Producer } from 'kafkajs';
import pg from 'pg';

import { backoffDelay, sleep } from './backoff.js';
import type { Logger } from './logger.js';
import type { RelayMetrics } from './metrics.js';
import { PartitionLedger, UnacknowledgedPartitionsError } from './partition-ledger.js';

export interface OutboxRelayOptions {
  databaseUrl: string;
  kafka: Kafka;
  log: Logger;
  metrics?: RelayMetrics;
  /** Rows per producer call. */
  batchSize?: number;
  /** Fallback poll when no NOTIFY arrives (a NOTIFY can be missed while reconnecting). */
  pollIntervalMs?: number;
  /** How often a standby relay asks for the lock. */
  standbyIntervalMs?: number;
  /**
   * Once caught up, a sent batch is marked by the next batch's SELECT (one statement instead
   * of two); when no next batch comes, the relay marks it after this long at most (ms).
   */
  markDelayMs?: number;
  /** Failpoint for crash tests: called after the broker acked a batch, before rows are marked. */
  afterSendBeforeMark?: () => void;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  envelope: string;
  headers: Record<string, string>;
}

// Session-level advisory lock: one active relay per database. Advisory locks are scoped to
// the current database, so every service can use the same key in its own database.
const RELAY_LOCK_KEY = 727_001;

// The relay's statements, prepared once on its connection (see queryPrepared): every
// wake-up runs one of them. The CTE's UPDATE and the SELECT see the same snapshot: the acked
// rows still look unpublished to the SELECT, hence the id exclusion.
const SELECT_NEXT = `SELECT id, topic, message_key, envelope::text AS envelope, headers
     FROM outbox WHERE published_at IS NULL AND id <> ALL($2::bigint[])
    ORDER BY id LIMIT $1`;
const SELECT_UNPUBLISHED = { name: 'relay-select', text: SELECT_NEXT };
const MARK_AND_SELECT = {
  name: 'relay-mark-and-select',
  text: `WITH marked AS (UPDATE outbox SET published_at = clock_timestamp() WHERE id = ANY($2::bigint[])) ${SELECT_NEXT}`,
};
const MARK_PUBLISHED = {
  name: 'relay-mark',
  text: 'UPDATE outbox SET published_at = clock_timestamp() WHERE id = ANY($1::bigint[])',
};

/**
 * Publishes committed outbox rows to Kafka in id order, then marks them. At-least-once: a
 * crash after the broker's ack and before the mark re-sends the batch, which consumers
 * drop through their inboxes. A single loop owns the producer, so `send` is never called
 * concurrently on the idempotent producer (tulios/kafkajs#1005).
 */
export class OutboxRelay {
  private client?: pg.Client;
  private producer?: Producer;
  private leader = false;
  private settled = false;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** A NOTIFY arrived while the loop was busy publishing: do not sleep on the next idle. */
  private notified = false;
  /** Ids of the last batch: acked by the broker, marked with (or during) the next batch. */
  private ackedUnmarked: string[] = [];
  /** The unmarked batch was the last of a backlog: mark it in the next SELECT itself. */
  private markWithSelect = false;
  /** What a resolved send must have acked: kafkajs can resolve with a partition unsent. */
  private readonly ledger = new PartitionLedger();
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly standbyIntervalMs: number;
  private readonly markDelayMs: number;

  constructor(private readonly opts: OutboxRelayOptions) {
    this.batchSize = opts.batchSize ?? 500;
    this.pollIntervalMs = opts.pollIntervalMs ?? 1000;
    this.standbyIntervalMs = opts.standbyIntervalMs ?? 1000;
    this.markDelayMs = opts.markDelayMs ?? 100;
  }

  get isLeader(): boolean {
    return this.leader;
  }

  /**
   * Has taken its role: a standby, or the active relay that tried to connect its producer
   * (broker connection and producer id in hand), so the first row is sent without that setup.
   */
  get warm(): boolean {
    return this.settled;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    // The last full batch was acked: mark it now rather than send it again after a restart.
    if (this.client && this.ackedUnmarked.length > 0) {
      await this.mark(this.client, this.ackedUnmarked).catch(() => undefined);
      this.ackedUnmarked = [];
    }
    await this.disconnect();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const client = await this.connect();
        if (!this.leader) {
          if (!(await this.acquire(client))) {
            this.settled = true;
            await this.idle(this.standbyIntervalMs);
            continue;
          }
          // Before there is anything to send. Best effort: if it fails, the first send
          // connects, as it always did, and its failure counts there.
          await this.connectProducer().catch((error: unknown) =>
            this.opts.log.warn({ err: error }, 'outbox relay: producer not connected yet'),
          );
          this.settled = true;
        }
        const published = await this.publishBatch(client);
        failures = 0;
        if (published < this.batchSize)
          await this.idle(
            this.ackedUnmarked.length > 0
              ? Math.min(this.markDelayMs, this.pollIntervalMs)
              : this.pollIntervalMs,
          );
      } catch (error) {
        failures += 1;
        this.opts.metrics?.failed();
        this.opts.log.warn({ err: error, failures }, 'outbox relay: batch failed, will retry');
        // A broker fault keeps the database session (and so the relay lock); anything else
        // starts over with a fresh session, as a standby until the lock is won again.
        // After a run of broker faults, the lock is given up too: if only this instance
        // cannot reach Kafka, another one takes over instead of waiting on it.
        if (isKafkaError(error) && failures < 5) await this.resetProducer();
        else await this.disconnect();
        await sleep(backoffDelay(failures, 200, 2000));
      }
    }
  }

  private async acquire(client: pg.Client): Promise<boolean> {
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1) AS locked',
      [RELAY_LOCK_KEY],
    );
    if (!rows[0]?.locked) return false;
    await client.query('LISTEN outbox_inserted');
    this.leader = true;
    this.opts.metrics?.leader(true);
    this.opts.log.info('outbox relay: this instance is now the active relay');
    return true;
  }

  /**
   * One batch: select the oldest unpublished rows, send them, mark them. Marking is always
   * one batch late, and a crash in between re-sends the acked rows (at-least-once, as
   * always). While a backlog drains, the previous full batch is marked while this one is
   * being sent (the UPDATE and the broker round trip overlap). Once caught up, the last batch
   * is marked by the same statement that selects the next one (a data-modifying CTE): under
   * a steady trickle every wake-up is one statement, not two. Sends stay sequential on the
   * one producer, in id order.
   */
  private async publishBatch(client: pg.Client): Promise<number> {
    const acked = this.ackedUnmarked;
    const together = acked.length > 0 && this.markWithSelect;
    const { rows } = await client.query<OutboxRow>({
      ...(together ? MARK_AND_SELECT : SELECT_UNPUBLISHED),
      values: [this.batchSize, acked],
    });
    if (together) {
      this.opts.metrics?.published(acked.length);
      this.ackedUnmarked = [];
    }
    // Issued now, on the same connection after the SELECT: runs while the batch is sent.
    const marking = acked.length > 0 && !together ? this.mark(client, acked) : undefined;
    marking?.catch(() => undefined); // awaited below; never an unhandled rejection
    try {
      if (rows.length > 0) await this.send(rows);
    } finally {
      await marking;
      this.ackedUnmarked = [];
    }
    if (rows.length === 0) return 0;
    this.opts.afterSendBeforeMark?.();
    this.ackedUnmarked = rows.map((r) => r.id);
    this.markWithSelect = rows.length < this.batchSize;
    return rows.length;
  }

  private async send(rows: OutboxRow[]): Promise<void> {
    // Grouped by topic, each group in id order: per key, Kafka keeps this order.
    const byTopic = new Map<
      string,
      { key: string; value: string; headers: Record<string, string> }[]
    >();
    for (const row of rows) {
      const messages = byTopic.get(row.topic) ?? [];
      messages.push({ key: row.message_key, value: row.envelope, headers: row.headers });
      byTopic.set(row.topic, messages);
    }
    const producer = await this.connectProducer();
    this.ledger.begin();
    const acks = await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
    // A partition without an ack was never written (kafkajs#1798): the batch failed, its
    // rows stay unpublished and are sent again; what did land is dropped by the inboxes.
    this.ledger.verify(acks);
  }

  private async mark(client: pg.Client, ids: string[]): Promise<void> {
    await client.query({ ...MARK_PUBLISHED, values: [ids] });
    this.opts.metrics?.published(ids.length);
  }

  private async connect(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({
      connectionString: this.opts.databaseUrl,
      application_name: 'outbox-relay',
    });
    // A dropped connection also drops the advisory lock: become a standby and reconnect.
    client.on('error', (error) => {
      this.opts.log.warn({ err: error }, 'outbox relay: database connection lost');
      if (this.client === client) this.forgetClient();
      this.wake?.();
    });
    client.on('notification', () => {
      this.notified = true;
      this.wake?.();
    });
    await client.connect();
    this.client = client;
    return client;
  }

  private async connectProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    const producer = this.opts.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: this.ledger.partitioner(),
    });
    try {
      await producer.connect();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    this.producer = producer;
    return producer;
  }

  private async resetProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  private forgetClient(): void {
    this.client = undefined;
    // Unmarked but acked rows are simply sent again by whoever leads next.
    this.ackedUnmarked = [];
    if (this.leader) this.opts.metrics?.leader(false);
    this.leader = false;
  }

  private async disconnect(): Promise<void> {
    const client = this.client;
    const producer = this.producer;
    this.forgetClient();
    this.producer = undefined;
    await client?.end().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
  }

  /** Waits for a NOTIFY from a committing writer, or the timeout, or stop(). */
  private idle(ms: number): Promise<void> {
    if (this.notified || !this.running) {
      this.notified = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const done = (): void => {
        clearTimeout(timer);
        this.notified = false;
        this.wake = undefined;
        resolve();
      };
      timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

/** A broker-side fault: the database session (and the lock) can be kept. */
const isKafkaError = (error: unknown): boolean =>
  error instanceof UnacknowledgedPartitionsError ||
  (error instanceof Error && error.name.startsWith('KafkaJS'));
