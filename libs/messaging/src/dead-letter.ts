import type { IHeaders, KafkaMessage, Producer } from 'kafkajs';

export const DLT_HEADERS = {
  reason: 'dlt-reason',
  error: 'dlt-error',
  sourceTopic: 'dlt-source-topic',
  sourcePartition: 'dlt-source-partition',
  sourceOffset: 'dlt-source-offset',
  consumerGroup: 'dlt-consumer-group',
  failedAt: 'dlt-failed-at',
} as const;

export interface DeadLetter {
  reason: string;
  error: string;
  topic: string;
  partition: number;
  message: KafkaMessage;
  consumerGroup: string;
  failedAt: Date;
}

/**
 * The original key, bytes and headers, untouched (a redrive must replay exactly what was
 * received), plus headers that say why and where from.
 */
export async function publishDeadLetter(
  producer: Pick<Producer, 'send'>,
  deadLetterTopic: string,
  letter: DeadLetter,
): Promise<void> {
  const headers: IHeaders = {
    ...letter.message.headers,
    [DLT_HEADERS.reason]: letter.reason,
    [DLT_HEADERS.error]: letter.error.slice(0, 2000),
    [DLT_HEADERS.sourceTopic]: letter.topic,
    [DLT_HEADERS.sourcePartition]: String(letter.partition),
    [DLT_HEADERS.sourceOffset]: letter.message.offset,
    [DLT_HEADERS.consumerGroup]: letter.consumerGroup,
    [DLT_HEADERS.failedAt]: letter.failedAt.toISOString(),
  };
  await producer.send({
    topic: deadLetterTopic,
    acks: -1,
    messages: [{ key: letter.message.key, value: letter.message.value, headers }],
  });
}
