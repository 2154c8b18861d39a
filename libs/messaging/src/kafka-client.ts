import { Kafka, logLevel, type LogEntry } from 'kafkajs';

import { fixKafkajsIdleTimer } from './kafkajs-idle-timer.js';
import type { Logger } from './logger.js';

/** A kafkajs client whose own logs go through the service's structured logger. */
export function createKafka(clientId: string, brokers: string[], log: Logger): Kafka {
  fixKafkajsIdleTimer();
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    // kafkajs lets one wait between retries grow to 30 s. A client that kept trying through a
    // broker outage would then sleep up to 30 s after the broker is back, with the outbox
    // and the consumers' backlog waiting on it (B12 measured 25 s of such dead time). Capped
    // at 1 s, the client notices a returning broker within about a second; the number of
    // retries is raised so that one call still rides out a ~15 s fault before giving up.
    retry: { initialRetryTime: 300, maxRetryTime: 1_000, retries: 16 },
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        if (level <= logLevel.ERROR) log.error(rest, `kafkajs: ${message}`);
        else if (level === logLevel.WARN) log.warn(rest, `kafkajs: ${message}`);
      },
  });
}
