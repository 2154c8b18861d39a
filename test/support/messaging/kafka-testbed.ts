import { randomUUID } from 'node:crypto';

import { Partitioners, type Admin, type IHeaders, type Kafka, type Producer } from 'kafkajs';
import { pino } from 'pino';
import { createKafka } from '@app/messaging';

import { testBrokers } from '../test-infra.js';

export interface Produced {
  partition: number;
  offset: string;
}

export interface OutgoingRecord {
  key: string;
  value: Buffer | string | null;
  headers?: IHeaders;
}

/**
 * The spec's own view of the run's broker: topics with unique names (never the services'
 * `order.events`, `payment.events` or `*.dlt`, which a running stack may consume), deleted
 * again by close(), and the admin questions the specs ask.
 */
export class KafkaTestbed {
  private readonly topics: string[] = [];
  private producer?: Producer;

  private constructor(
    readonly kafka: Kafka,
    private readonly admin: Admin,
  ) {}

  static async open(clientId: string): Promise<KafkaTestbed> {
    const kafka = createKafka(clientId, testBrokers(), pino({ level: 'silent' }));
    const admin = kafka.admin();
    await admin.connect();
    return new KafkaTestbed(kafka, admin);
  }

  async createTopic(prefix: string, numPartitions: number): Promise<string> {
    const topic = `${prefix}-${randomUUID()}`;
    await this.admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions }] });
    this.topics.push(topic);
    return topic;
  }

  /** Sends one record and says where it landed (the partition the key was hashed to). */
  async produce(topic: string, record: OutgoingRecord): Promise<Produced> {
    this.producer ??= await this.connectProducer();
    const [meta] = await this.producer.send({ topic, acks: -1, messages: [record] });
    if (!meta?.baseOffset) throw new Error(`no offset reported for a record sent to ${topic}`);
    return { partition: meta.partition, offset: meta.baseOffset };
  }

  /** A fresh key that the producer's default partitioner sends to `partition` of `topic`. */
  async keyOnPartition(topic: string, partition: number): Promise<string> {
    const [metadata] = (await this.admin.fetchTopicMetadata({ topics: [topic] })).topics;
    const partitionMetadata = metadata?.partitions ?? [];
    const partitionOf = Partitioners.DefaultPartitioner();
    for (;;) {
      const key = randomUUID();
      if (partitionOf({ topic, partitionMetadata, message: { key, value: null } }) === partition) {
        return key;
      }
    }
  }

  /** Records written to `topic` so far (the sum of its partitions' end offsets). */
  async recordCount(topic: string): Promise<number> {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high), 0);
  }

  /** True when `groupId` has committed, on every partition of `topic`, its end offset. */
  async caughtUp(groupId: string, topic: string): Promise<boolean> {
    const ends = await this.admin.fetchTopicOffsets(topic);
    const [committed] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
    return ends.every((end) => {
      const offset = committed?.partitions.find((p) => p.partition === end.partition)?.offset;
      // A partition that never held a record has nothing to commit (-1).
      return end.high === '0' || offset === end.high;
    });
  }

  async committedOffset(groupId: string, topic: string, partition: number): Promise<number> {
    const [committed] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
    return Number(committed?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
  }

  async endOffset(topic: string, partition: number): Promise<number> {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return Number(offsets.find((p) => p.partition === partition)?.high ?? 0);
  }

  async close(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
    if (this.topics.length > 0) {
      await this.admin.deleteTopics({ topics: this.topics }).catch(() => undefined);
    }
    await this.admin.disconnect();
  }

  private async connectProducer(): Promise<Producer> {
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    return producer;
  }
}
