import type { TopicPartitionOffsetAndMetadata } from 'kafkajs';

type Commit = (offsets: TopicPartitionOffsetAndMetadata[]) => Promise<void>;

/**
 * Coalesces offset commits. Every record is applied (inbox + effect committed in PostgreSQL)
 * before its offset is handed here, so committing later never loses anything: at worst a
 * crash redelivers up to one interval's worth of records, which the inbox drops. One
 * OffsetCommit request per interval for all partitions, instead of one per fetched batch,
 * takes most of the request load off the broker under a steady stream of small batches.
 *
 * Commits run one at a time and always carry the highest offset seen per partition, so a
 * late commit can never move a group's position backwards. A failed commit (coordinator
 * moved, broker restarting) is tried again on a timer, not only with the next batch: after
 * the last batch of a burst there is no next batch, and the group would stay behind by what
 * it applied (the inbox makes a re-delivery harmless, but the lag never drains).
 *
 * A retry cannot heal every failure: kafkajs 2.2.4 keeps the group coordinator it found at
 * its last join and never looks it up again, so after the coordinator moves (a broker
 * restart) a member whose rejoin does not complete asks the old broker for ever (ADR 0008
 * Findings). When commits have failed for `stuckAfterMs` without a break, `onStuck` is told
 * once and the offsets are dropped: its owner rejoins with a fresh consumer, and the records
 * behind them are delivered again and dropped by the inbox.
 */
export class OffsetCommits {
  private readonly pending = new Map<string, TopicPartitionOffsetAndMetadata>();
  private chain: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private failures = 0;
  private failingSince?: number;
  private cancelled = false;

  constructor(
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
    /** First delay before a failed commit is tried again; doubles up to 8x. */
    private readonly retryMs = 500,
    private readonly stuck?: { afterMs: number; onStuck: (error: unknown) => void },
  ) {}

  /** `next` is the offset of the next record to process (the last applied + 1). */
  add(topic: string, partition: number, next: string): void {
    const key = `${topic}/${partition}`;
    const known = this.pending.get(key);
    if (known && BigInt(known.offset) >= BigInt(next)) return;
    this.pending.set(key, { topic, partition, offset: next });
  }

  /**
   * Commits through `commit` now (used while stopping, when kafkajs would skip a commit
   * made through the consumer) or, by default, at the next tick of the interval.
   */
  async flush(commit: Commit, now = false): Promise<void> {
    if (!now && this.intervalMs > 0) {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.flush(commit, true).catch(this.onError);
      }, this.intervalMs);
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    const run = this.chain.then(async () => {
      if (this.pending.size === 0) return;
      const offsets = [...this.pending.values()];
      this.pending.clear();
      try {
        await commit(offsets);
        this.failures = 0;
        this.failingSince = undefined;
      } catch (error) {
        this.failingSince ??= Date.now();
        if (this.stuck && Date.now() - this.failingSince >= this.stuck.afterMs) {
          this.reset();
          this.stuck.onStuck(error);
          throw error;
        }
        // Put them back unless something newer arrived meanwhile; the next flush, or the
        // retry timer, commits them (a rebalance in between drops those of lost partitions,
        // see retainOnly).
        for (const o of offsets) this.add(o.topic, o.partition, o.offset);
        this.retryLater(commit);
        throw error;
      }
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** After a rebalance: offsets of partitions this member no longer owns are not its to commit. */
  retainOnly(assignment: Record<string, number[]>): void {
    for (const [key, { topic, partition }] of this.pending) {
      if (!assignment[topic]?.includes(partition)) this.pending.delete(key);
    }
  }

  /** Forgets what is pending and the failure streak: the member is about to join anew. */
  reset(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
    this.failures = 0;
    this.failingSince = undefined;
  }

  cancel(): void {
    this.cancelled = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private retryLater(commit: Commit): void {
    if (this.cancelled) return;
    this.failures += 1;
    const delay = this.retryMs * 2 ** Math.min(this.failures - 1, 3);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush(commit, true).catch(this.onError);
    }, delay);
  }
}

/** kafkajs's commit shape: offsets grouped by topic. */
export function byTopic(offsets: TopicPartitionOffsetAndMetadata[]): {
  topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
} {
  const topics = new Map<string, { partition: number; offset: string }[]>();
  for (const { topic, partition, offset } of offsets) {
    const list = topics.get(topic) ?? [];
    list.push({ partition, offset });
    topics.set(topic, list);
  }
  return { topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })) };
}
