import {
  DEAD_LETTER_TOPICS,
  ORDER_EVENTS_TOPIC,
  ORDER_EVENT_TYPES,
  PAYMENT_EVENTS_TOPIC,
  PAYMENT_EVENT_TYPES,
  type EventEnvelope,
} from '@app/contracts';
import type { EventHandlers } from '@app/messaging';
import { EventConsumerHost, type ConsumerSpec } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { DataSource, type EntityManager } from 'typeorm';

import { project } from './projector.js';
import { ViewStore } from './view-store.js';

/** Builds the views from both topics, in one consumer group. */
@Injectable()
export class ViewsConsumer extends EventConsumerHost {
  private readonly store = new ViewStore();

  constructor(kafka: Kafka, @InjectDataSource() dataSource: DataSource, logger: PinoLogger) {
    super(kafka, dataSource, logger);
  }

  protected spec(): ConsumerSpec {
    const apply = async (event: EventEnvelope, manager: EntityManager): Promise<void> => {
      await project(this.store, manager, event);
    };
    const handlers = Object.fromEntries(
      [...ORDER_EVENT_TYPES, ...PAYMENT_EVENT_TYPES].map((type) => [type, apply]),
    ) as EventHandlers;
    return {
      groupId: 'read-model',
      topics: [ORDER_EVENTS_TOPIC, PAYMENT_EVENTS_TOPIC],
      deadLetterTopic: DEAD_LETTER_TOPICS['read-model'],
      handlers,
    };
  }
}
