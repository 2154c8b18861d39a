import { randomUUID } from 'node:crypto';

import type { Kafka, KafkaMessage } from 'kafkajs';

import { DLT_HEADERS } from './dead-letter.js';

export interface DeadLetterRecord {
  /** `partition:offset` in the dead-letter topic. */
  id: string;
  reason: string;
  error: string;
  source: { topic: string; partition: number; offset: string };
  consumerGroup: string;
  failedAt: string;
  key: string | null;
  eventId: string | null;
  eventType: string | null;
  /** The original bytes as text when they are UTF-8, else base64 (see `encoding`). */
  value: string | null;
  encoding: 'utf8' | 'base64';
  /** The original record, as received, for a redrive. */
  message: KafkaMessage;
}

/**
 * Reads a dead-letter topic from its start to its current end with a throwaway group (the
 * topic is small by design: it holds what needs a human).
 */
export async function readDeadLetters(kafka: Kafka, topic: string): Promise<DeadLetterRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = (await admin.fetchTopicOffsets(topic)).filter(
      (p) => BigInt(p.high) > BigInt(p.low),
    );
    if (ends.length === 0) return [];
    const remaining = new Map(ends.map((p) => [p.partition, BigInt(p.high)]));
    const groupId = `dlt-reader-${randomUUID()}`;
    const consumer = kafka.consumer({ groupId });
    const records: DeadLetterRecord[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`reading ${topic} took over 30 s`)),
          30_000,
        );
        consumer
          .run({
            autoCommit: false,
            eachMessage: ({ partition, message }) => {
              const end = remaining.get(partition);
              if (end !== undefined && BigInt(message.offset) < end) {
                records.push(toRecord(partition, message));
                if (BigInt(message.offset) + 1n >= end) remaining.delete(partition);
              }
              if (remaining.size === 0) {
                clearTimeout(timer);
                resolve();
              }
              return Promise.resolve();
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
    return records.sort(
      (a, b) => a.source.topic.localeCompare(b.source.topic) || a.id.localeCompare(b.id),
    );
  } finally {
    await admin.disconnect();
  }
}

function toRecord(partition: number, message: KafkaMessage): DeadLetterRecord {
  const header = (name: string): string => message.headers?.[name]?.toString() ?? '';
  const value = message.value;
  const text = value?.toString('utf8') ?? null;
  const utf8 = value === null || Buffer.from(text ?? '', 'utf8').equals(value);
  let eventType: string | null = header('event-type') || null;
  let eventId: string | null = header('event-id') || null;
  if (utf8 && text) {
    try {
      const parsed = JSON.parse(text) as { eventId?: unknown; eventType?: unknown };
      if (typeof parsed.eventId === 'string') eventId = parsed.eventId;
      if (typeof parsed.eventType === 'string') eventType = parsed.eventType;
    } catch {
      // malformed: shown as it is
    }
  }
  return {
    id: `${partition}:${message.offset}`,
    reason: header(DLT_HEADERS.reason),
    error: header(DLT_HEADERS.error),
    source: {
      topic: header(DLT_HEADERS.sourceTopic),
      partition: Number(header(DLT_HEADERS.sourcePartition)),
      offset: header(DLT_HEADERS.sourceOffset),
    },
    consumerGroup: header(DLT_HEADERS.consumerGroup),
    failedAt: header(DLT_HEADERS.failedAt),
    key: message.key?.toString() ?? null,
    eventId,
    eventType,
    value: value === null ? null : utf8 ? text : value.toString('base64'),
    encoding: utf8 ? 'utf8' : 'base64',
    message,
  };
}
