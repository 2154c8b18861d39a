import type { KafkaMessage } from 'kafkajs';

import type { ChunkApplier } from './chunk-applier.js';
import type { ConsumerHooks } from './consumer-hooks.js';
import type { DeadLetterRouter } from './dead-letter-router.js';
import type { Logger } from './logger.js';
import { messagingMetrics as m } from './metrics.js';
import type { PartitionControls, RetryScheduler } from './retry-scheduler.js';

/** The parts of kafkajs's eachBatch payload the loop uses. */
export interface FetchedBatch extends PartitionControls {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
  isRunning(): boolean;
  isStale(): boolean;
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
}

export interface BatchProcessorOptions {
  applier: Pick<ChunkApplier, 'apply'>;
  deadLetters: Pick<DeadLetterRouter, 'route'>;
  retries: RetryScheduler;
  groupId: string;
  log: Logger;
  /** Records of one fetched batch applied in one transaction, at most. */
  maxPerTransaction: number;
  hooks?: ConsumerHooks;
}

/**
 * Walks one fetched batch of a partition in log order. Records go in chunks of up to
 * `maxPerTransaction`; when a chunk's transaction fails it is rolled back and its records run
 * again one per transaction, where each failure gets its own verdict: permanent ones are
 * dead-lettered and passed, a transient one stops the partition for the retry scheduler.
 * Under a steady trickle batches hold one record and every chunk is a single record.
 */
export class BatchProcessor {
  constructor(private readonly opts: BatchProcessorOptions) {}

  /** Returns the offset of the last record done (applied, skipped or dead-lettered), if any. */
  async process(batch: FetchedBatch): Promise<string | undefined> {
    const { topic, partition } = batch;
    const limit = this.opts.hooks?.stopAt?.(topic, partition);
    const end =
      limit === undefined ? -1 : batch.messages.findIndex((msg) => BigInt(msg.offset) >= limit);
    const messages = end < 0 ? batch.messages : batch.messages.slice(0, end);
    let lastDone: string | undefined;
    // Records before this index run one per transaction (their shared transaction failed).
    let aloneUntil = 0;
    let i = 0;
    while (i < messages.length) {
      if (!batch.isRunning() || batch.isStale()) return lastDone;
      const size = i < aloneUntil ? 1 : Math.min(this.opts.maxPerTransaction, messages.length - i);
      const chunk = messages.slice(i, i + size);
      const result = await this.opts.applier.apply(topic, partition, chunk);
      if (result.ok) {
        this.countAll(topic, result.outcomes);
      } else if (size > 1) {
        m.sharedTransactionFallbacks.labels(this.opts.groupId).inc();
        this.opts.log.debug(
          { err: result.error, topic, partition, records: size, reason: result.reason },
          'shared transaction failed; applying its records one per transaction',
        );
        aloneUntil = i + size;
        continue;
      } else if (!(await this.settleFailure(batch, chunk[0]!, result))) {
        return lastDone;
      }
      this.opts.retries.succeeded(topic, partition);
      i += size;
      lastDone = messages[i - 1]!.offset;
      batch.resolveOffset(lastDone);
      await batch.heartbeat();
    }
    if (end >= 0) batch.pause();
    return lastDone;
  }

  /** False when the record must be tried again later (its partition is now paused). */
  private async settleFailure(
    batch: FetchedBatch,
    message: KafkaMessage,
    failure: { permanent: boolean; reason: string; detail: string; error?: unknown },
  ): Promise<boolean> {
    const { topic, partition } = batch;
    if (failure.permanent) {
      const verdict = await this.opts.deadLetters.route({ topic, partition, message }, failure);
      if (verdict === 'dead-lettered') {
        this.count(topic, 'dead-lettered');
        return true;
      }
    } else {
      this.opts.log.warn(
        { err: failure.error, topic, partition, offset: message.offset },
        'transient failure; partition paused, will retry the same record',
      );
    }
    this.opts.retries.retryLater(topic, partition, message.offset, batch);
    return false;
  }

  private count(topic: string, outcome: string, n = 1): void {
    m.consumed.labels(this.opts.groupId, topic, outcome).inc(n);
  }

  /** One counter update per outcome of a chunk, not one per record. */
  private countAll(topic: string, outcomes: readonly string[]): void {
    const counts = new Map<string, number>();
    for (const outcome of outcomes) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
    for (const [outcome, n] of counts) this.count(topic, outcome, n);
  }
}
