import { TOPOLOGY } from '@app/contracts';
import { EventConsumerHost, type ConsumerSpec } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';

import { OrderEventsHandlers } from '../application/order-events.handlers.js';

@Injectable()
export class OrderEventsConsumer extends EventConsumerHost {
  constructor(
    kafka: Kafka,
    @InjectDataSource() dataSource: DataSource,
    logger: PinoLogger,
    private readonly orders: OrderEventsHandlers,
  ) {
    super(kafka, dataSource, logger);
  }

  protected spec(): ConsumerSpec {
    return {
      groupId: TOPOLOGY['payment-service'].group,
      topics: [...TOPOLOGY['payment-service'].consumes],
      deadLetterTopic: TOPOLOGY['payment-service'].deadLetterTopic,
      handlers: this.orders.handlers(),
      // A customer's credit account is written by orders of every partition.
      contendedKeys: (event) => [
        `customer:${(event.payload as { customerId: string }).customerId}`,
      ],
    };
  }
}
