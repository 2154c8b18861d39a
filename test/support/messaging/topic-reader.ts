import { randomUUID } from 'node:crypto';

import type { Consumer, IHeaders, Kafka } from 'kafkajs';

export interface ReadRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/**
 * Everything written to one topic, read from the beginning by a consumer group of its own
 * and kept in arrival order (per partition, offset order).
 */
export class TopicReader {
  readonly records: ReadRecord[] = [];

  private constructor(private readonly consumer: Consumer) {}

  static async start(kafka: Kafka, topic: string): Promise<TopicReader> {
    // A short fetch wait: disconnect() waits for the fetch in flight.
    const consumer = kafka.consumer({ groupId: `it-reader-${randomUUID()}`, maxWaitTimeInMs: 200 });
    const reader = new TopicReader(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ partition, message }) => {
        reader.records.push({
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? null,
          value: message.value,
          headers: headersAsStrings(message.headers),
        });
        return Promise.resolve();
      },
    });
    return reader;
  }

  /** The `event-id` header of every record read, duplicates included. */
  eventIds(): string[] {
    return this.records.map((r) => r.headers['event-id'] ?? '');
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

function headersAsStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(',') : value.toString();
  }
  return out;
}
