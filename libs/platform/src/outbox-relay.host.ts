import {
  OUTBOX_BACKLOG_SQL,
  OutboxRelay,
  relayMetrics,
  watchOutbox,
  type OutboxBacklog,
} from '@app/messaging';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { InjectDataSource } from '@nestjs/typeorm';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';

import { SERVICE_CONFIG, type ServiceConfig } from './service-config.js';

/**
 * Runs this service's outbox relay for the life of the process. Every instance runs one;
 * the relay's advisory lock lets exactly one of them publish.
 */
@Injectable()
export class OutboxRelayHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly relay: OutboxRelay;
  private readonly enabled = process.env.OUTBOX_RELAY !== 'off';

  constructor(
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    kafka: Kafka,
    logger: PinoLogger,
    @InjectDataSource() dataSource: DataSource,
  ) {
    logger.setContext('outbox-relay');
    watchOutbox(async () => {
      const [row] = await dataSource.query<OutboxBacklog[]>(OUTBOX_BACKLOG_SQL);
      return row ?? { rows: 0, oldestAgeSeconds: 0 };
    });
    this.relay = new OutboxRelay({
      databaseUrl: config.databaseUrl,
      kafka,
      log: logger.logger,
      metrics: relayMetrics,
      batchSize: Number(process.env.RELAY_BATCH_SIZE ?? 500),
      afterSendBeforeMark: crashFailpoint(),
    });
  }

  /** Warm once the relay took its role; an instance that does not relay is warm at once. */
  get warm(): boolean {
    return !this.enabled || this.relay.warm;
  }

  onApplicationBootstrap(): void {
    // OUTBOX_RELAY=off: an API/consumer-only instance (another instance relays). Crash tests
    // use it to hold committed rows unpublished while the process is killed.
    if (this.enabled) this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}

/**
 * FAULT_RELAY_CRASH_AFTER_SEND=1 makes the process die (SIGKILL) right after the broker
 * acknowledged a batch and before the rows are marked published: the crash window that the
 * at-least-once relay and the consumers' inboxes must survive. Off unless set; tests only.
 */
function crashFailpoint(): (() => void) | undefined {
  if (process.env.FAULT_RELAY_CRASH_AFTER_SEND !== '1') return undefined;
  return () => process.kill(process.pid, 'SIGKILL');
}
