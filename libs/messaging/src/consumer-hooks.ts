import type { EntityManager } from 'typeorm';

export interface AppliedRecord {
  topic: string;
  partition: number;
  offset: string;
  eventId: string;
  eventType: string;
}

/**
 * Points where an owner of a consumer can step in without the runtime knowing why: a
 * rebuild stops at a log position and writes into scratch tables, a fault test kills the
 * process in the window between a transaction's commit and its offset commit.
 */
export interface ConsumerHooks {
  /**
   * Exclusive end offset for a partition: a record at or past it is not processed and its
   * partition pauses there (a rebuild brings two groups to exactly the same position).
   */
  stopAt?(topic: string, partition: number): bigint | undefined;
  /** The first statements of every transaction that applies records. */
  beginTransaction?(manager: EntityManager): Promise<void>;
  /** A transaction that applied these records committed; their offsets are not committed yet. */
  afterCommit?(records: readonly AppliedRecord[]): void;
  /**
   * Before each offset commit of the member's `membership`-th kafkajs consumer (from 1); a
   * throw fails that commit (a fault test makes one member's commits fail).
   */
  beforeOffsetCommit?(membership: number): void;
}

/** A stopAt hook from end offsets keyed "topic/partition". */
export const stopAtOffsets =
  (ends: ReadonlyMap<string, bigint>): NonNullable<ConsumerHooks['stopAt']> =>
  (topic, partition) =>
    ends.get(`${topic}/${partition}`);
