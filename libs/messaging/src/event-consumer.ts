import type {
  Consumer,
  EachBatchPayload,
  Kafka,
  KafkaMessage,
  Producer,
  TopicPartitionOffsetAndMetadata,
} from 'kafkajs';
import type { DataSource } from 'typeorm';

import { BatchProcessor } from './batch-processor.js';
import { ChunkApplier } from './chunk-applier.js';
import type { ConsumerHooks } from './consumer-hooks.js';
import { DeadLetterRouter } from './dead-letter-router.js';
import type { EventRoutes } from './event-route.js';
import type { Logger } from './logger.js';
import { messagingMetrics as m } from './metrics.js';
import { OffsetCommits, byTopic } from './offset-commits.js';
import { RetryScheduler } from './retry-scheduler.js';

/** What a service consumes and how it handles it: the same for the live group and a rebuild. */
export interface ConsumerDefinition {
  groupId: string;
  topics: readonly string[];
  deadLetterTopic: string;
  routes: EventRoutes;
}

export interface EventConsumerOptions extends ConsumerDefinition {
  kafka: Kafka;
  dataSource: DataSource;
  log: Logger;
  /** Inbox consumer name; defaults to the group id. */
  inboxName?: string;
  partitionsConsumedConcurrently?: number;
  /**
   * Records of one fetched batch applied in one database transaction, at most (default 100).
   * Under a steady trickle batches hold one record and nothing changes; under a backlog (or
   * a rebuild) the per-transaction cost is spread over many records. 1 turns it off.
   */
  maxRecordsPerTransaction?: number;
  /** Offsets are committed at most this often, in ms (default 200; 0 = after every batch). */
  commitIntervalMs?: number;
  /** Count and log bad records but do not publish them: a rebuild re-reads dead letters. */
  deadLettersAlreadyPublished?: boolean;
  hooks?: ConsumerHooks;
}

export type ApplyResult =
  | { outcome: 'applied' | 'duplicate' | 'skipped' }
  | { outcome: 'failed'; permanent: boolean; reason: string; detail: string; error?: unknown };

/**
 * The consumer runtime shared by every service, on kafkajs with explicit commits (ADR 0005):
 * a BatchProcessor walks each fetched batch through the ChunkApplier (inbox row and effect
 * in one transaction), the DeadLetterRouter and the RetryScheduler; offsets are committed
 * only after the transactions, coalesced by OffsetCommits.
 */
export class EventConsumer {
  private consumer?: Consumer;
  private dlq?: Producer;
  private readonly applier: ChunkApplier;
  private readonly retries = new RetryScheduler();
  private readonly offsets: OffsetCommits;
  private stopping = false;
  private commitVia?: (offsets: TopicPartitionOffsetAndMetadata[]) => Promise<void>;
  private joined = false;
  private assignedNothing = false;
  private fetched = false;

  constructor(private readonly opts: EventConsumerOptions) {
    const { dataSource, groupId, routes, hooks } = opts;
    this.applier = new ChunkApplier({
      dataSource,
      groupId,
      routes,
      hooks,
      inboxName: opts.inboxName ?? groupId,
    });
    this.offsets = new OffsetCommits(opts.commitIntervalMs ?? 200, (error) =>
      opts.log.warn({ err: error }, 'offset commit failed; will commit again with the next'),
    );
  }

  async start(): Promise<void> {
    const { kafka, groupId, log } = this.opts;
    this.dlq = kafka.producer({ allowAutoTopicCreation: false });
    await this.dlq.connect();
    const consumer = kafka.consumer({
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
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.offsets.retainOnly(payload.memberAssignment);
      this.assignedNothing = Object.values(payload.memberAssignment).every((p) => p.length === 0);
      this.joined = true;
    });
    consumer.on(consumer.events.FETCH, () => {
      this.fetched = true;
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      log.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
      if (!payload.restart) this.opts.hooks?.onFatalCrash?.(payload.error);
    });
    const processor = new BatchProcessor({
      applier: this.applier,
      deadLetters: new DeadLetterRouter({
        groupId,
        log,
        deadLetterTopic: this.opts.deadLetterTopic,
        producer: this.opts.deadLettersAlreadyPublished ? null : this.dlq,
      }),
      retries: this.retries,
      groupId,
      log,
      maxPerTransaction: Math.max(1, this.opts.maxRecordsPerTransaction ?? 100),
      hooks: this.opts.hooks,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.opts.topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.opts.partitionsConsumedConcurrently ?? 6,
      eachBatch: async (payload) => {
        const { topic, partition, messages } = payload.batch;
        const lastDone = await processor.process({
          ...payload,
          topic,
          partition,
          messages,
          seek: (offset) => consumer.seek({ topic, partition, offset }),
        });
        if (lastDone !== undefined) await this.commit(payload, topic, partition, lastDone);
      },
    });
  }

  /**
   * In its group with its partitions assigned, and one fetch from them done (a member given
   * no partition never fetches): the first record after this is applied without waiting for
   * a join, a rebalance or a first connection to the partition leaders.
   */
  get warm(): boolean {
    return this.joined && (this.fetched || this.assignedNothing);
  }

  async stop(): Promise<void> {
    // From here on, a batch that ends commits at once; what is pending is committed now.
    this.stopping = true;
    this.retries.stop();
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

  /**
   * Applies a dead letter again through the same path as a live record (decode, inbox,
   * handler, one transaction). A failure is reported, not dead-lettered a second time.
   */
  async redrive(
    message: KafkaMessage,
    origin: { topic: string; partition: number },
  ): Promise<ApplyResult> {
    const result = await this.applier.apply(origin.topic, origin.partition, [message]);
    const applied: ApplyResult = result.ok
      ? { outcome: result.outcomes[0] ?? 'skipped' }
      : { ...result, outcome: 'failed' };
    m.redriven.labels(this.opts.groupId, applied.outcome).inc();
    return applied;
  }

  private async commit(
    payload: EachBatchPayload,
    topic: string,
    partition: number,
    lastDone: string,
  ): Promise<void> {
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
