import type {
  Consumer,
  EachBatchPayload,
  Kafka,
  KafkaMessage,
  Producer,
  TopicPartitionOffsetAndMetadata,
} from 'kafkajs';
import type { DataSource } from 'typeorm';

import { backoffDelay, sleep } from './backoff.js';
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
  /**
   * Offset commits failing without a break for this long (default 30 s) make the member
   * leave and join again with a fresh kafkajs consumer (see OffsetCommits).
   */
  rejoinAfterFailedCommitsMs?: number;
  /** Count and log bad records but do not publish them: a rebuild re-reads dead letters. */
  deadLettersAlreadyPublished?: boolean;
  /**
   * A span and a commit-to-effect observation per record (default true). A rebuild turns
   * them off: it re-applies old records, a span each would flood the traces and their age
   * would distort the latency histogram.
   */
  perRecordTelemetry?: boolean;
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
  /** How many kafkajs consumers this member has run; a batch of an older one commits nothing. */
  private membership = 0;
  private rejoining?: Promise<void>;
  private joined = false;
  private assignedNothing = false;
  private fetched = false;
  /** Replacements since the member last joined its group: the next one waits longer. */
  private replacements = 0;
  private rejoinAgain?: unknown;

  constructor(private readonly opts: EventConsumerOptions) {
    const { dataSource, groupId, routes, hooks } = opts;
    this.applier = new ChunkApplier({
      dataSource,
      groupId,
      routes,
      hooks,
      inboxName: opts.inboxName ?? groupId,
      perRecordTelemetry: opts.perRecordTelemetry ?? true,
    });
    this.offsets = new OffsetCommits(
      opts.commitIntervalMs ?? 200,
      (error) =>
        opts.log.warn({ err: error }, 'offset commit failed; will commit again with the next'),
      500,
      {
        afterMs: opts.rejoinAfterFailedCommitsMs ?? 30_000,
        onStuck: (error) => void this.rejoin(error),
      },
    );
  }

  async start(): Promise<void> {
    this.dlq = this.opts.kafka.producer({ allowAutoTopicCreation: false });
    await this.dlq.connect();
    await this.join();
  }

  /**
   * Leaves the group and joins it again with a new kafkajs consumer, which finds the group
   * coordinator afresh (new metadata, new connections). The old member's applied but
   * uncommitted records are delivered again, to whichever member owns them now, and the
   * inbox drops them.
   */
  rejoin(cause: unknown): Promise<void> {
    if (this.stopping) return Promise.resolve();
    if (this.rejoining) {
      // The consumer being made crashed (kafkajs reports it before run() returns), or a
      // second reason came: replace again once this round is over.
      this.rejoinAgain = cause;
      return this.rejoining;
    }
    this.rejoining = this.replaceConsumer(cause).finally(() => {
      this.rejoining = undefined;
      const again = this.rejoinAgain;
      this.rejoinAgain = undefined;
      if (again !== undefined) void this.rejoin(again);
    });
    return this.rejoining;
  }

  private async replaceConsumer(cause: unknown): Promise<void> {
    const old = this.consumer;
    this.opts.log.warn(
      { err: cause, groupId: this.opts.groupId },
      'rejoining the group with a fresh consumer',
    );
    m.rejoins.labels(this.opts.groupId).inc();
    this.membership += 1; // from here on, a batch of the old consumer commits nothing
    this.commitVia = undefined;
    this.offsets.reset();
    this.retries.stop();
    // A consumer stuck in a join never finishes its disconnect: do not wait for it forever.
    await Promise.race([
      old?.disconnect().catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, 15_000).unref()),
    ]);
    // A broker that is down makes every new consumer crash at once: back off, but not for
    // long; each wait is time the group stands still after the broker is back.
    await sleep(backoffDelay((this.replacements += 1), 300, 2_000));
    if (this.stopping) return;
    try {
      await this.join();
    } catch (error) {
      this.rejoinAgain = error;
    }
  }

  private async join(): Promise<void> {
    const { kafka, groupId, log } = this.opts;
    const dlq = this.dlq;
    if (!dlq) throw new Error('EventConsumer.join() before start()');
    const membership = ++this.membership;
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
      // kafkajs would restart a crashed consumer inside the same object, and a restart in
      // flight survives a disconnect() as a group member that nobody can stop any more: it
      // holds partitions and never commits them (seen in the cluster chaos suite). A crashed
      // consumer is replaced by rejoin() instead, the one place that makes consumers.
      retry: {
        retries: 5 /* kafkajs's consumer default */,
        restartOnFailure: () => Promise.resolve(false),
      },
    });
    this.consumer = consumer;
    if (this.stopping) return; // stop() came while a rejoin waited
    const current = () => membership === this.membership;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      if (!current()) return;
      log.info(
        { groupId, memberId: payload.memberId, joinMs: payload.duration },
        'joined the consumer group',
      );
      this.replacements = 0;
      this.offsets.retainOnly(payload.memberAssignment);
      this.assignedNothing = Object.values(payload.memberAssignment).every((p) => p.length === 0);
      this.joined = true;
    });
    consumer.on(consumer.events.FETCH, () => {
      if (current()) this.fetched = true;
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!current()) return;
      log.error({ err: payload.error }, 'consumer crashed; joining again with a fresh consumer');
      void this.rejoin(payload.error);
    });
    const processor = new BatchProcessor({
      applier: this.applier,
      deadLetters: new DeadLetterRouter({
        groupId,
        log,
        deadLetterTopic: this.opts.deadLetterTopic,
        producer: this.opts.deadLettersAlreadyPublished ? null : dlq,
      }),
      retries: this.retries,
      groupId,
      log,
      maxPerTransaction: Math.max(1, this.opts.maxRecordsPerTransaction ?? 100),
      hooks: this.opts.hooks,
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...this.opts.topics], fromBeginning: true });
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
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
        if (lastDone !== undefined && current())
          await this.commit(payload, topic, partition, lastDone, membership);
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
    await this.rejoining;
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
    membership: number,
  ): Promise<void> {
    this.offsets.add(topic, partition, (BigInt(lastDone) + 1n).toString());
    // Every commit goes through the latest batch's own commit (the consumer group's commit
    // request). Consumer.commitOffsets() would do for the timer, but kafkajs skips it
    // silently whenever its runner is not running (during a stop): offsets applied but
    // never committed would then make a rebuild align the groups at the wrong position.
    this.commitVia = async (offsets) => {
      this.opts.hooks?.beforeOffsetCommit?.(membership);
      await payload.commitOffsetsIfNecessary(byTopic(offsets));
    };
    const commit = (offsets: TopicPartitionOffsetAndMetadata[]) => {
      if (!this.commitVia) throw new Error('no running group member to commit through yet');
      return this.commitVia(offsets);
    };
    if (this.stopping || !payload.isRunning()) await this.offsets.flush(commit, true);
    else void this.offsets.flush(commit);
  }
}
