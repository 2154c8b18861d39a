import { createKafka } from '@app/messaging';
import type { Provider } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';

import { SERVICE_CONFIG, type ServiceConfig } from './service-config.js';

/** One kafkajs client per process; producers and consumers are made from it. */
export const kafkaProvider: Provider = {
  provide: Kafka,
  inject: [SERVICE_CONFIG, PinoLogger],
  useFactory: (config: ServiceConfig, logger: PinoLogger) => {
    logger.setContext('kafka');
    return createKafka(config.name, config.kafkaBrokers, logger.logger);
  },
};
