import { TOPOLOGY } from '@app/contracts';
import { EventConsumerHost, type ConsumerSpec } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';

import { PaymentEventsHandlers } from '../application/payment-events.handlers.js';

@Injectable()
export class PaymentEventsConsumer extends EventConsumerHost {
  constructor(
    kafka: Kafka,
    @InjectDataSource() dataSource: DataSource,
    logger: PinoLogger,
    private readonly payments: PaymentEventsHandlers,
  ) {
    super(kafka, dataSource, logger);
  }

  protected spec(): ConsumerSpec {
    return {
      groupId: TOPOLOGY['order-service'].group,
      topics: [...TOPOLOGY['order-service'].consumes],
      deadLetterTopic: TOPOLOGY['order-service'].deadLetterTopic,
      handlers: this.payments.handlers(),
    };
  }
}
