import { TOPOLOGY } from '@app/contracts';
import { EventConsumerHost, type ConsumerSpec } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';

import { viewProjection } from './view-handlers.js';
import { ViewStore } from './view-store.js';

export const READ_MODEL_GROUP = TOPOLOGY['read-model'].group;
export const READ_MODEL_TOPICS = [...TOPOLOGY['read-model'].consumes];

/** Builds the live views from both topics, in one consumer group. */
@Injectable()
export class ViewsConsumer extends EventConsumerHost {
  constructor(kafka: Kafka, @InjectDataSource() dataSource: DataSource, logger: PinoLogger) {
    super(kafka, dataSource, logger);
  }

  protected spec(): ConsumerSpec {
    return {
      groupId: READ_MODEL_GROUP,
      topics: READ_MODEL_TOPICS,
      deadLetterTopic: TOPOLOGY['read-model'].deadLetterTopic,
      ...viewProjection(new ViewStore()),
    };
  }
}
