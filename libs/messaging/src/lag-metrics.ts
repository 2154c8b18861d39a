import type { Admin, Kafka } from 'kafkajs';
import { Gauge, register } from 'prom-client';

const watched = new Map<string, { topics: string[] }>();
let admin: Admin | undefined;
let kafkaForLag: Kafka | undefined;

/**
 * Consumer lag per group, topic and partition (end offset minus committed offset), read from
 * the broker when /metrics is scraped. Lag is the first signal that consumers fall behind the
 * consistency SLO; when the broker cannot be asked, the last known values stay.
 */
export function watchConsumerLag(kafka: Kafka, groupId: string, topics: string[]): void {
  kafkaForLag ??= kafka;
  watched.set(groupId, { topics });
  if (register.getSingleMetric('kafka_consumer_lag')) return;
  new Gauge({
    name: 'kafka_consumer_lag',
    help: 'Records behind the end of the partition, per consumer group (sampled at scrape)',
    labelNames: ['group', 'topic', 'partition'],
    async collect() {
      try {
        admin ??= kafkaForLag!.admin({ retry: { retries: 0 } });
        await withTimeout(admin.connect(), 1500);
        for (const [groupId, { topics: groupTopics }] of watched) {
          const committed = await withTimeout(
            admin.fetchOffsets({ groupId, topics: groupTopics }),
            1500,
          );
          for (const { topic, partitions } of committed) {
            const ends = await withTimeout(admin.fetchTopicOffsets(topic), 1500);
            for (const end of ends) {
              const done = partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
              const lag = Number(end.high) - Math.max(0, Number(done));
              this.set(
                { group: groupId, topic, partition: String(end.partition) },
                Math.max(0, lag),
              );
            }
          }
        }
      } catch {
        await admin?.disconnect().catch(() => undefined);
        admin = undefined;
      }
    },
  });
}

export function unwatchConsumerLag(groupId: string): void {
  watched.delete(groupId);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms),
    ),
  ]);
}
