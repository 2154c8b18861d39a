import { Kafka, logLevel } from 'kafkajs';

/** The group's committed offset per partition of `topic` (0 where it committed none). */
export async function committedOffsets(
  brokers: string[],
  groupId: string,
  topic: string,
): Promise<Map<number, bigint>> {
  const admin = new Kafka({
    clientId: 'chaos-offsets',
    brokers,
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map(
      (committed?.partitions ?? []).map((p) => [
        p.partition,
        BigInt(Math.max(0, Number(p.offset))),
      ]),
    );
  } finally {
    await admin.disconnect();
  }
}
