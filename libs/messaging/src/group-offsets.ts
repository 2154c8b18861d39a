import type { Admin } from 'kafkajs';

/** "topic/partition" -> offset. */
export type Positions = Map<string, bigint>;

/**
 * Where a group stands on each partition: its committed offset, or the partition's start
 * when it has committed nothing there yet (consumers here begin at the earliest offset).
 */
export async function groupPositions(
  admin: Admin,
  groupId: string,
  topics: string[],
): Promise<Positions> {
  const positions: Positions = new Map();
  const committed = await admin.fetchOffsets({ groupId, topics });
  for (const { topic, partitions } of committed) {
    const starts = await admin.fetchTopicOffsets(topic);
    for (const { partition, offset } of partitions) {
      const low = BigInt(starts.find((s) => s.partition === partition)?.low ?? '0');
      const at = BigInt(offset);
      positions.set(`${topic}/${partition}`, at < 0n ? low : at);
    }
  }
  return positions;
}

export async function endPositions(admin: Admin, topics: string[]): Promise<Positions> {
  const positions: Positions = new Map();
  for (const topic of topics) {
    for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
      positions.set(`${topic}/${partition}`, BigInt(high));
    }
  }
  return positions;
}

/** Records between `from` and `to`, summed over partitions. */
export function distance(from: Positions, to: Positions): bigint {
  let total = 0n;
  for (const [key, end] of to) {
    const at = from.get(key) ?? 0n;
    if (end > at) total += end - at;
  }
  return total;
}

export function furthest(a: Positions, b: Positions): Positions {
  const out: Positions = new Map(a);
  for (const [key, at] of b) if (at > (out.get(key) ?? -1n)) out.set(key, at);
  return out;
}
