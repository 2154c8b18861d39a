/** kafkajs clients and topics for the bench's own (baseline) traffic. */
import { TOPOLOGY } from '@app/contracts';
import { Kafka, logLevel, type Admin, type Producer, type ProducerBatch } from 'kafkajs';
import { pino } from 'pino';

import { fixKafkajsIdleTimer, type Logger } from '@app/messaging';

import { nowMs } from './stats.js';

export function benchKafka(brokers: string[], clientId: string): Kafka {
  // The baselines run on the same kafkajs as the services, its idle timer loop fixed too.
  fixKafkajsIdleTimer();
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.ERROR,
    retry: { initialRetryTime: 300, retries: 8 },
  });
}

export const quietLogger = (): Logger => pino({ level: 'warn' }, pino.destination(2));

export async function createTopics(kafka: Kafka, topics: string[], partitions = 6): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
    });
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics, timeout: 10_000 }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

/** Records in the topics between the earliest and the latest offset. */
export async function topicRecords(kafka: Kafka, topics: string[]): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let total = 0;
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) total += Number(p.high) - Number(p.low);
    }
    return total;
  } finally {
    await admin.disconnect();
  }
}

export interface SendTimer {
  sendMs: number;
  batches: number;
}

/**
 * The same Kafka client, but every producer it makes times its sendBatch calls: how much of a
 * relay's wall time is the broker round trip and how much is the database.
 */
export function timedKafka(kafka: Kafka, timer: SendTimer): Kafka {
  const wrapped = Object.create(kafka) as Kafka;
  wrapped.producer = (config) => {
    const producer: Producer = kafka.producer(config);
    const original = producer.sendBatch.bind(producer);
    producer.sendBatch = async (batch: ProducerBatch) => {
      const t = nowMs();
      try {
        return await original(batch);
      } finally {
        timer.sendMs += nowMs() - t;
        timer.batches += 1;
      }
    };
    return producer;
  };
  return wrapped;
}

/** End offsets of every topic a service consumes, keyed "topic/partition". */
export async function consumedTopicEnds(admin: Admin): Promise<Map<string, number>> {
  const ends = new Map<string, number>();
  for (const topic of new Set(Object.values(TOPOLOGY).flatMap((t) => t.consumes))) {
    for (const p of await admin.fetchTopicOffsets(topic))
      ends.set(`${topic}/${p.partition}`, Number(p.high));
  }
  return ends;
}

/**
 * Records each of the services' consumer groups has not committed yet, up to `ends` (by
 * default the topics' end offsets now).
 */
export async function behindByGroup(
  admin: Admin,
  ends?: Map<string, number>,
): Promise<Record<string, number>> {
  const target = ends ?? (await consumedTopicEnds(admin));
  const out: Record<string, number> = {};
  for (const t of Object.values(TOPOLOGY)) {
    let behind = 0;
    for (const committed of await admin.fetchOffsets({ groupId: t.group, topics: [...t.consumes] }))
      for (const p of committed.partitions) {
        const end = target.get(`${committed.topic}/${p.partition}`) ?? 0;
        const at = Number(p.offset);
        behind += Math.max(0, end - (at < 0 ? 0 : at));
      }
    out[t.group] = behind;
  }
  return out;
}

/** All groups' records behind `ends` together: 0 when every group has read up to there. */
export async function groupsBehind(admin: Admin, ends?: Map<string, number>): Promise<number> {
  return Object.values(await behindByGroup(admin, ends)).reduce((a, b) => a + b, 0);
}
