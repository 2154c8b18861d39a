import type { Kafka, KafkaMessage } from 'kafkajs';

import { DLT_HEADERS } from './dead-letter.js';
import { readTopic } from './topic-reader.js';

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

/** A dead-letter topic, start to current end (it is small by design: it holds what needs a human). */
export async function readDeadLetters(kafka: Kafka, topic: string): Promise<DeadLetterRecord[]> {
  return (await readTopic(kafka, topic)).map(({ partition, message }) =>
    toRecord(partition, message),
  );
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
