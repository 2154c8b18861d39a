import { Kafka, logLevel, type LogEntry } from 'kafkajs';

import type { Logger } from './logger.js';

/** A kafkajs client whose own logs go through the service's structured logger. */
export function createKafka(clientId: string, brokers: string[], log: Logger): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 300, retries: 8 },
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        if (level <= logLevel.ERROR) log.error(rest, `kafkajs: ${message}`);
        else if (level === logLevel.WARN) log.warn(rest, `kafkajs: ${message}`);
      },
  });
}
