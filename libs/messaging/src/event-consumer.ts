import { decodeEvent, type EventEnvelope } from '@app/contracts';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';

import { backoffDelay } from './backoff.js';
import { publishDeadLetter } from './dead-letter.js';
import { classifyFailure, reasonOf } from './errors.js';
import type { EventHandlers } from './event-handlers.js';
import { recordInInbox } from './inbox.js';
import type { Logger } from './logger.js';
import { messagingMetrics as m } from './metrics.js';
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

export type ApplyResult =
  | { outcome: 'applied' | 'duplicate' | 'skipped' }
  | { outcome: 'failed'; permanent: boolean; reason: string; detail: string; error?: unknown };

/**
 * The consumer runtime shared by every service. Per record: decode (bad bytes and contract
 * violations are dead-lettered), then in ONE database transaction record the event id in the
 * inbox and apply the handler; a duplicate finds its inbox row and changes nothing. Offsets
 * are committed only after that transaction. A transient fault pauses just its partition and
 * retries the same record with capped, jittered backoff; the other partitions go on.
 */
export class EventConsumer {
  private consumer?: Consumer;
  private dlq?: Producer;
  private readonly attempts = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inboxName: string;

  constructor(private readonly opts: EventConsumerOptions) {
    this.inboxName = opts.inboxName ?? opts.groupId;
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
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.consumer?.disconnect().catch(() => undefined);
    await this.dlq?.disconnect().catch(() => undefined);
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const { topic, partition } = batch;
    let lastDone: string | undefined;
    const limit = this.opts.stopAt?.get(`${topic}/${partition}`);
    for (const message of batch.messages) {
      if (!payload.isRunning() || payload.isStale()) break;
      if (limit !== undefined && BigInt(message.offset) >= limit) {
        payload.pause();
        break;
      }
      const outcome = await this.process(topic, partition, message);
      if (outcome === 'retry') {
        this.retryLater(topic, partition, message.offset, () => payload.pause());
        break;
      }
      this.attempts.delete(`${topic}/${partition}`);
      payload.resolveOffset(message.offset);
      lastDone = message.offset;
      await payload.heartbeat();
    }
    if (lastDone !== undefined) {
      // Through the batch's own commit: Consumer.commitOffsets() is silently skipped once a
      // stop() has begun, which would leave applied records uncommitted behind a graceful
      // stop (a rebuild aligns groups on committed offsets and relies on them being exact).
      await payload.commitOffsetsIfNecessary({
        topics: [
          { topic, partitions: [{ partition, offset: (BigInt(lastDone) + 1n).toString() }] },
        ],
      });
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
    const handler = this.opts.handlers[envelope.eventType as keyof EventHandlers] as
      ((e: EventEnvelope, manager: unknown) => Promise<void>) | undefined;
    if (!handler) return { outcome: 'skipped' };
    try {
      const applied = await inConsumerSpan(
        `${this.opts.groupId} process ${envelope.eventType}`,
        headerStrings(message),
        { 'messaging.destination.name': topic, 'messaging.message.id': envelope.eventId },
        () =>
          this.opts.dataSource.transaction(async (manager) => {
            const fresh = await recordInInbox(manager, this.inboxName, envelope, {
              topic,
              partition,
              offset: message.offset,
            });
            if (!fresh) return false;
            await handler(envelope, manager);
            return true;
          }),
      );
      if (applied) {
        this.opts.afterApplyBeforeCommit?.({
          topic,
          partition,
          offset: message.offset,
          eventId: envelope.eventId,
          eventType: envelope.eventType,
        });
        m.commitToEffect
          .labels(this.opts.groupId, envelope.eventType)
          .observe(Math.max(0, Date.now() - Date.parse(envelope.occurredAt)) / 1000);
      }
      return { outcome: applied ? 'applied' : 'duplicate' };
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
