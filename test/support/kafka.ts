import type { EventEnvelope } from '@app/contracts';
import type { E2eStack } from './e2e-stack.js';
import { Kafka, logLevel, type IHeaders } from 'kafkajs';

/** One record as it sits in the log, with its envelope parsed. */
export interface LoggedRecord {
  topic: string;
  partition: number;
  offset: bigint;
  /** The order it was read for: its key, or its envelope's aggregateId if the key is not one. */
  orderId: string;
  key: Buffer;
  value: Buffer;
  headers: IHeaders;
  envelope: EventEnvelope<{ orderId: string; customerId: string }>;
}

export const kafkaOf = (stack: E2eStack, clientId = 'e2e'): Kafka =>
  new Kafka({ clientId, brokers: stack.brokers, logLevel: logLevel.NOTHING });
