import { purgeInbox, purgePublishedOutbox, safeInboxHorizonMs } from '@app/messaging';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';

import { EventTransport } from './event-transport.js';

const HOUR = 3_600_000;
// kafkajs's ConfigResourceTypes.TOPIC; kafkajs is CommonJS and Node's ESM loader cannot
// see that export by name.
const TOPIC_RESOURCE = 2;

/**
 * Keeps the outbox and the inbox from growing without bound. OUTBOX_RETENTION_HOURS
 * (default 24) for published outbox rows; INBOX_RETENTION_HOURS (default 192) for inbox
 * rows, raised if needed above the consumed topics' retention.ms so dedupe stays safe.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap {
  private inboxHorizonMs = Number(process.env.INBOX_RETENTION_HOURS ?? 192) * HOUR;
  private readonly outboxHorizonMs = Number(process.env.OUTBOX_RETENTION_HOURS ?? 24) * HOUR;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly kafka: Kafka,
    private readonly consumer: EventTransport,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext('retention');
  }

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: this.consumer.topics.map((name) => ({
          type: TOPIC_RESOURCE,
          name,
          configNames: ['retention.ms'],
        })),
      });
      const retention = described.resources.map((r) =>
        Number(r.configEntries[0]?.configValue ?? -1),
      );
      const safe = safeInboxHorizonMs(this.inboxHorizonMs, retention);
      if (safe !== this.inboxHorizonMs) {
        this.logger.warn(
          { requestedHours: this.inboxHorizonMs / HOUR, hours: safe / HOUR },
          'inbox horizon raised above topic retention',
        );
        this.inboxHorizonMs = safe;
      }
    } catch (error) {
      // Without the topics' retention, keep inbox rows (safe) until it can be read.
      this.inboxHorizonMs = Number.POSITIVE_INFINITY;
      this.logger.warn({ err: error }, 'topic retention unknown; inbox rows are kept');
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  @Interval(Number(process.env.RETENTION_INTERVAL_MS ?? 10 * 60_000))
  async purge(): Promise<{ outbox: number; inbox: number }> {
    const now = Date.now();
    const outbox = await purgePublishedOutbox(
      this.dataSource,
      new Date(now - this.outboxHorizonMs),
    );
    const inbox = Number.isFinite(this.inboxHorizonMs)
      ? await purgeInbox(this.dataSource, new Date(now - this.inboxHorizonMs))
      : 0;
    if (outbox + inbox > 0) this.logger.info({ outbox, inbox }, 'retention purged rows');
    return { outbox, inbox };
  }
}
