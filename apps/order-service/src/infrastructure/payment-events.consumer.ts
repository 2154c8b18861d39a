import { DEAD_LETTER_TOPICS, PAYMENT_EVENTS_TOPIC } from '@app/contracts';
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
      groupId: 'order-service',
      topics: [PAYMENT_EVENTS_TOPIC],
      deadLetterTopic: DEAD_LETTER_TOPICS['order-service'],
      handlers: this.payments.handlers(),
    };
  }
}
