import type { KafkaMessage, Producer } from 'kafkajs';

import { publishDeadLetter } from './dead-letter.js';
import type { Logger } from './logger.js';
import { messagingMetrics as m } from './metrics.js';

export interface DeadLetterRouterOptions {
  groupId: string;
  deadLetterTopic: string;
  log: Logger;
  /** Where dead letters go; null when they were published already (a rebuild re-reads them). */
  producer: Pick<Producer, 'send'> | null;
  now?: () => Date;
}

export interface RecordOrigin {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/**
 * Where a record that can never be processed goes: the group's dead-letter topic, with the
 * original key, bytes and headers plus the reason and the source topic/partition/offset.
 * If that publish fails, the record must not be skipped: the caller retries it like a
 * transient fault ('retry').
 */
export class DeadLetterRouter {
  constructor(private readonly opts: DeadLetterRouterOptions) {}

  async route(
    origin: RecordOrigin,
    failure: { reason: string; detail: string },
  ): Promise<'dead-lettered' | 'retry'> {
    const { groupId, log, producer } = this.opts;
    const where = { topic: origin.topic, partition: origin.partition };
    const offset = origin.message.offset;
    if (producer === null) {
      log.warn({ ...where, offset, reason: failure.reason }, 'bad record skipped');
      return 'dead-lettered';
    }
    try {
      await publishDeadLetter(producer, this.opts.deadLetterTopic, {
        ...where,
        message: origin.message,
        reason: failure.reason,
        error: failure.detail,
        consumerGroup: groupId,
        failedAt: this.opts.now?.() ?? new Date(),
      });
    } catch (error) {
      log.warn({ err: error }, 'dead-letter publish failed; will retry the record');
      return 'retry';
    }
    m.deadLetters.labels(groupId, failure.reason).inc();
    log.warn({ ...where, offset, ...failure }, 'record dead-lettered');
    return 'dead-lettered';
  }
}
