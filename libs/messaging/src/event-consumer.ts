import { decodeEvent, type EventEnvelope } from '@app/contracts';
import type {
  Consumer,
  EachBatchPayload,
  Kafka,
  KafkaMessage,
  Producer,
  TopicPartitionOffsetAndMetadata,
} from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';

import { backoffDelay } from './backoff.js';
import { publishDeadLetter } from './dead-letter.js';
import { classifyFailure, reasonOf } from './errors.js';
import type { EventHandlers } from './event-handlers.js';
import { recordInInbox } from './inbox.js';
import type { Logger } from './logger.js';
import { messagingMetrics as m } from './metrics.js';
import { OffsetCommits, byTopic } from './offset-commits.js';
import { lockInOrder } from './ordered-locks.js';
import { inConsumerSpan } from './tracing.js';

export interface EventConsumerOptions {
  kafka: Kafka;
  dataSource: DataSource;
  groupId: string;
  topics: string[];
  handlers: EventHandlers;
  deadLetterTopic: string;
  log: Logger;
  /** Inbox consumer name; defaults to the group id. */
  inboxName?: string;
  partitionsConsumedConcurrently?: number;
  /**
   * Records of one fetched batch applied in one database transaction, at most (default 100).
   * Each keeps its own inbox row and handler call; only BEGIN/COMMIT are shared. Under a
   * steady trickle batches hold one record and nothing changes; under a backlog (or a
   * rebuild) the per-transaction cost is spread over many records. 1 turns it off.
   */
  maxRecordsPerTransaction?: number;
  /**
   * Keys of rows that the handler of `event` writes and that records of other partitions
   * may write too (not the order's own rows: one order lives in one partition per topic).
   * Each transaction locks them first, in one global order, so transactions that apply
   * several records queue instead of deadlocking. See lockInOrder.
   */
  contendedKeys?: (event: EventEnvelope) => readonly string[];
  /**
   * Runs at the end of every transaction that applied records, after their handlers and
   * before the commit: for work a consumer does once per transaction (the read model writes
   * its summed customer counters here, in key order).
   */
  beforeCommit?: (manager: EntityManager) => Promise<void>;
  /** Offsets are committed at most this often, in ms (default 200; 0 = after every batch). */
  commitIntervalMs?: number;
  /**
   * Called when kafkajs gives up on this consumer (a crash it will not restart from, e.g.
   * after the broker was gone longer than its retries): the owner must start a new one.
   */
  onFatalCrash?: (error: Error) => void;
  /**
   * Exclusive end offsets per "topic/partition": a record at or past its limit is not
   * processed and its partition pauses. A read-model rebuild uses it to bring two consumer
   * groups to exactly the same log position before comparing their views.
   */
  stopAt?: ReadonlyMap<string, bigint>;
  /**
   * Count and log bad records but do not publish them again: a rebuild re-reads records the
   * live consumer already dead-lettered.
   */
  deadLettersAlreadyPublished?: boolean;
  /**
   * Failpoint for crash tests: called right after a record's transaction committed (inbox
   * row and effect) and before its offset is committed, the window in which a crash makes
   * the broker deliver the record again.
   */
  afterApplyBeforeCommit?: (record: AppliedRecord) => void;
}

export interface AppliedRecord {
  topic: string;
  partition: number;
  offset: string;
  eventId: string;
  eventType: string;
}

type Outcome = 'applied' | 'duplicate' | 'skipped' | 'dead-lettered' | 'retry';
type Applied = 'applied' | 'duplicate' | 'skipped';

export type ApplyResult =
  | { outcome: 'applied' | 'duplicate' | 'skipped' }
  | { outcome: 'failed'; permanent: boolean; reason: string; detail: string; error?: unknown };

/**
 * The consumer runtime shared by every service. Per record: decode (bad bytes and contract
 * violations are dead-lettered), then in the same database transaction as its effect record
 * the event id in the inbox and apply the handler; a duplicate finds its inbox row and
 * changes nothing. Consecutive records of a fetched batch share one transaction; if it
 * fails, it is rolled back and its records run again one per transaction, so a bad record
 * or a fault is isolated exactly as before. Offsets are committed only after the
 * transaction. A transient fault pauses just its partition and retries the same record with
 * capped, jittered backoff; the other partitions go on.
 */
export class EventConsumer {
  private consumer?: Consumer;
  private dlq?: Producer;
  private readonly attempts = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inboxName: string;
  private readonly maxPerTransaction: number;
  private readonly offsets: OffsetCommits;
  private stopping = false;
  private commitVia?: (offsets: TopicPartitionOffsetAndMetadata[]) => Promise<void>;

  constructor(private readonly opts: EventConsumerOptions) {
    this.inboxName = opts.inboxName ?? opts.groupId;
    this.maxPerTransaction = Math.max(1, opts.maxRecordsPerTransaction ?? 100);
    this.offsets = new OffsetCommits(opts.commitIntervalMs ?? 200, (error) =>
      opts.log.warn({ err: error }, 'offset commit failed; will commit again with the next'),
    );
  }

  async start(): Promise<void> {
    const { kafka, groupId, topics } = this.opts;
    this.dlq = kafka.producer({ allowAutoTopicCreation: false });
    await this.dlq.connect();
    this.consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      // A fetch long-polls up to this long when a partition has nothing new; kafkajs's 5 s
      // default would also delay a paused partition's retry and a stop() by up to 5 s.
      maxWaitTimeInMs: 500,
      // A member that died (kill -9) holds its partitions until its session expires:
      // 10 s instead of kafkajs's 30 s bounds how long its partitions stand still.
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) =>
      this.offsets.retainOnly(payload.memberAssignment),
    );
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.opts.log.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
      if (!payload.restart) this.opts.onFatalCrash?.(payload.error);
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.opts.partitionsConsumedConcurrently ?? 6,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  async stop(): Promise<void> {
    // From here on, a batch that ends commits at once; what is pending is committed now.
    this.stopping = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const commitVia = this.commitVia;
    if (commitVia) {
      await this.offsets
        .flush(commitVia, true)
        .catch((error: unknown) =>
          this.opts.log.warn({ err: error }, 'offset commit at stop failed'),
        );
    }
    this.offsets.cancel();
    await this.consumer?.disconnect().catch(() => undefined);
    await this.dlq?.disconnect().catch(() => undefined);
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const { topic, partition } = batch;
    const limit = this.opts.stopAt?.get(`${topic}/${partition}`);
    const end =
      limit === undefined ? -1 : batch.messages.findIndex((msg) => BigInt(msg.offset) >= limit);
    const messages = end < 0 ? batch.messages : batch.messages.slice(0, end);
    let lastDone: string | undefined;
    let i = 0;
    // Records up to this index run one per transaction (their shared transaction failed).
    let aloneUntil = 0;
    while (i < messages.length) {
      if (!payload.isRunning() || payload.isStale()) break;
      let done = 0;
      if (i >= aloneUntil) {
        const chunk = messages.slice(i, i + this.maxPerTransaction);
        if (chunk.length > 1 && (await this.applyTogether(topic, partition, chunk))) {
          done = chunk.length;
        } else {
          aloneUntil = i + chunk.length;
        }
      }
      if (done === 0) {
        const message = messages[i]!;
        const outcome = await this.process(topic, partition, message);
        if (outcome === 'retry') {
          this.retryLater(topic, partition, message.offset, () => payload.pause());
          break;
        }
        done = 1;
      }
      this.attempts.delete(`${topic}/${partition}`);
      i += done;
      lastDone = messages[i - 1]!.offset;
      payload.resolveOffset(lastDone);
      await payload.heartbeat();
    }
    if (end >= 0 && i === messages.length) payload.pause();
    if (lastDone !== undefined) {
      this.offsets.add(topic, partition, (BigInt(lastDone) + 1n).toString());
      // Every commit goes through the latest batch's own commit (the consumer group's commit
      // request). Consumer.commitOffsets() would do for the timer, but kafkajs skips it
      // silently whenever its runner is not running (during a stop, or while it restarts
      // after a crash): offsets applied but never committed would then make a rebuild align
      // the groups at the wrong position.
      this.commitVia = (offsets) => payload.commitOffsetsIfNecessary(byTopic(offsets));
      const commit = (offsets: TopicPartitionOffsetAndMetadata[]) => this.commitVia!(offsets);
      if (this.stopping || !payload.isRunning()) await this.offsets.flush(commit, true);
      else void this.offsets.flush(commit);
    }
  }

  private retryLater(
    topic: string,
    partition: number,
    offset: string,
    pause: () => () => void,
  ): void {
    const key = `${topic}/${partition}`;
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    const resume = pause();
    // Fetch this record again on resume: nothing after it is processed before it succeeds.
    this.consumer?.seek({ topic, partition, offset });
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        resume();
      },
      backoffDelay(attempt, 200, 10_000),
    );
    this.timers.add(timer);
  }

  private async process(topic: string, partition: number, message: KafkaMessage): Promise<Outcome> {
    const result = await this.apply(topic, partition, message);
    if (result.outcome !== 'failed') return this.count(topic, result.outcome);
    if (result.permanent)
      return this.deadLetter(topic, partition, message, result.reason, result.detail);
    this.opts.log.warn(
      { err: result.error, topic, partition, offset: message.offset },
      'transient failure; partition paused, will retry the same record',
    );
    return 'retry';
  }

  /**
   * Applies a dead letter again through the same path as a live record (decode, inbox,
   * handler, one transaction). A failure is reported, not dead-lettered a second time.
   */
  async redrive(
    message: KafkaMessage,
    origin: { topic: string; partition: number },
  ): Promise<ApplyResult> {
    const result = await this.apply(origin.topic, origin.partition, message);
    m.redriven.labels(this.opts.groupId, result.outcome).inc();
    return result;
  }

  private async apply(
    topic: string,
    partition: number,
    message: KafkaMessage,
  ): Promise<ApplyResult> {
    const decoded = decodeEvent(message.value);
    if (!decoded.ok) {
      return { outcome: 'failed', permanent: true, reason: decoded.reason, detail: decoded.detail };
    }
    const envelope = decoded.envelope;
    if (!this.handlerFor(envelope)) return { outcome: 'skipped' };
    try {
      const outcome = await this.opts.dataSource.transaction(async (manager) => {
        await this.lockContended(manager, [envelope]);
        const outcome = await this.applyIn(manager, topic, partition, message, envelope);
        await this.opts.beforeCommit?.(manager);
        return outcome;
      });
      this.afterCommit(topic, partition, [{ message, envelope, outcome }]);
      return { outcome };
    } catch (error) {
      const failure = classifyFailure(error);
      m.handlerFailures.labels(this.opts.groupId, failure).inc();
      return {
        outcome: 'failed',
        permanent: failure === 'permanent',
        reason: failure === 'permanent' ? reasonOf(error) : 'transient',
        detail: String(error),
        error,
      };
    }
  }

  /**
   * Applies consecutive records in one transaction. False when any of them does not decode
   * or its handler throws: everything is rolled back and nothing is counted; the caller then
   * runs them one per transaction, where each failure gets its own verdict.
   */
  private async applyTogether(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
  ): Promise<boolean> {
    const records: { message: KafkaMessage; envelope: EventEnvelope; outcome?: Applied }[] = [];
    for (const message of messages) {
      const decoded = decodeEvent(message.value);
      if (!decoded.ok) return false;
      records.push({ message, envelope: decoded.envelope });
    }
    try {
      await this.opts.dataSource.transaction(async (manager) => {
        await this.lockContended(
          manager,
          records.map((r) => r.envelope),
        );
        for (const record of records) {
          record.outcome = await this.applyIn(
            manager,
            topic,
            partition,
            record.message,
            record.envelope,
          );
        }
        await this.opts.beforeCommit?.(manager);
      });
    } catch (error) {
      m.sharedTransactionFallbacks.labels(this.opts.groupId).inc();
      this.opts.log.debug(
        { err: error, topic, partition, records: records.length },
        'shared transaction failed; applying its records one per transaction',
      );
      return false;
    }
    this.afterCommit(
      topic,
      partition,
      records.map((r) => ({ ...r, outcome: r.outcome! })),
    );
    for (const r of records) this.count(topic, r.outcome!);
    return true;
  }

  /** Inbox row and handler, in the caller's transaction, within the record's trace. */
  private async applyIn(
    manager: EntityManager,
    topic: string,
    partition: number,
    message: KafkaMessage,
    envelope: EventEnvelope,
  ): Promise<Applied> {
    const handler = this.handlerFor(envelope);
    if (!handler) return 'skipped';
    return inConsumerSpan(
      `${this.opts.groupId} process ${envelope.eventType}`,
      headerStrings(message),
      { 'messaging.destination.name': topic, 'messaging.message.id': envelope.eventId },
      async () => {
        const fresh = await recordInInbox(manager, this.inboxName, envelope, {
          topic,
          partition,
          offset: message.offset,
        });
        if (!fresh) return 'duplicate';
        await handler(envelope, manager);
        return 'applied';
      },
    );
  }

  private async lockContended(manager: EntityManager, events: EventEnvelope[]): Promise<void> {
    const keysOf = this.opts.contendedKeys;
    if (!keysOf) return;
    await lockInOrder(
      manager,
      events.filter((e) => this.handlerFor(e)).flatMap((e) => keysOf(e)),
    );
  }

  private handlerFor(
    envelope: EventEnvelope,
  ): ((e: EventEnvelope, manager: EntityManager) => Promise<void>) | undefined {
    return this.opts.handlers[envelope.eventType as keyof EventHandlers] as
      ((e: EventEnvelope, manager: EntityManager) => Promise<void>) | undefined;
  }

  private afterCommit(
    topic: string,
    partition: number,
    records: { message: KafkaMessage; envelope: EventEnvelope; outcome: Applied }[],
  ): void {
    const now = Date.now();
    let applied = 0;
    for (const { message, envelope, outcome } of records) {
      if (outcome !== 'applied') continue;
      applied += 1;
      this.opts.afterApplyBeforeCommit?.({
        topic,
        partition,
        offset: message.offset,
        eventId: envelope.eventId,
        eventType: envelope.eventType,
      });
      m.commitToEffect
        .labels(this.opts.groupId, envelope.eventType)
        .observe(Math.max(0, now - Date.parse(envelope.occurredAt)) / 1000);
    }
    if (applied > 0) m.recordsPerTransaction.labels(this.opts.groupId).observe(records.length);
  }

  private async deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    reason: string,
    detail: string,
  ): Promise<Outcome> {
    if (this.opts.deadLettersAlreadyPublished) {
      this.opts.log.warn(
        { topic, partition, offset: message.offset, reason },
        'bad record skipped',
      );
      return this.count(topic, 'dead-lettered');
    }
    try {
      await publishDeadLetter(this.dlq!, this.opts.deadLetterTopic, {
        reason,
        error: detail,
        topic,
        partition,
        message,
        consumerGroup: this.opts.groupId,
        failedAt: new Date(),
      });
    } catch (error) {
      // Without its dead letter the record must not be skipped: retry it later.
      this.opts.log.warn({ err: error }, 'dead-letter publish failed; will retry the record');
      return 'retry';
    }
    m.deadLetters.labels(this.opts.groupId, reason).inc();
    this.opts.log.warn(
      { topic, partition, offset: message.offset, reason, detail },
      'record dead-lettered',
    );
    return this.count(topic, 'dead-lettered');
  }

  private count(topic: string, outcome: Exclude<Outcome, 'retry'>): Outcome {
    m.consumed.labels(this.opts.groupId, topic, outcome).inc();
    return outcome;
  }
}

function headerStrings(message: KafkaMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value !== undefined) out[name] = Array.isArray(value) ? String(value[0]) : String(value);
  }
  return out;
}
