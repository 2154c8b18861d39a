import { Partitioners, type ICustomPartitioner, type RecordMetadata } from 'kafkajs';

/** A send resolved, but some partition it routed records to has no error-free ack. */
export class UnacknowledgedPartitionsError extends Error {
  override readonly name = 'UnacknowledgedPartitionsError';

  constructor(readonly partitions: string[]) {
    super(`the broker acknowledged no write to ${partitions.join(', ')}`);
  }
}

/**
 * Checks that a resolved `sendBatch` acknowledged every partition its records went to.
 *
 * kafkajs 2.2.4 (`src/producer/sendMessages.js`) keeps one response per broker across the
 * retries of one send. When a partition's leader moves (NOT_LEADER_OR_FOLLOWER, a dead
 * connection) to a broker that already answered for its own partitions in an earlier
 * attempt, the retry skips that broker, so the moved partition's records are never sent,
 * and the send still resolves (tulios/kafkajs#1798, open). The ledger records the partition
 * kafkajs picks for every record (through the producer's partitioner) and compares them with
 * the acks the send returned: a missing one means records that are not in the log.
 *
 * Only for keyed records (the outbox's key is NOT NULL): a record without a key is spread
 * round-robin and may land on another partition at each attempt.
 */
export class PartitionLedger {
  private readonly picked = new Set<string>();

  /** For `kafka.producer({ createPartitioner })`: kafkajs's default, recorded. */
  partitioner(inner: ICustomPartitioner = Partitioners.DefaultPartitioner): ICustomPartitioner {
    return () => {
      const pick = inner();
      return (args) => {
        const partition = pick(args);
        this.picked.add(slot(args.topic, partition));
        return partition;
      };
    };
  }

  /** Before each send (the relay sends one batch at a time on its producer). */
  begin(): void {
    this.picked.clear();
  }

  /** Partitions the send routed records to without an error-free ack, sorted. */
  unacknowledged(acks: readonly RecordMetadata[]): string[] {
    const acked = new Set(
      acks.filter((a) => a.errorCode === 0).map((a) => slot(a.topicName, a.partition)),
    );
    return [...this.picked].filter((p) => !acked.has(p)).sort();
  }

  /** Throws UnacknowledgedPartitionsError unless every partition written to was acked. */
  verify(acks: readonly RecordMetadata[]): void {
    const missing = this.unacknowledged(acks);
    if (missing.length > 0) throw new UnacknowledgedPartitionsError(missing);
  }
}

const slot = (topic: string, partition: number): string => `${topic}/${partition}`;
