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
  /**
   * Statements (without parameters, e.g. `SET LOCAL search_path ...`) run right after BEGIN
   * in every transaction that applies records, sent with it in the same write.
   */
  openingStatements?: readonly string[];
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
