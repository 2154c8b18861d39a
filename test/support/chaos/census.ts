import {
  ACTS_ON,
  DEAD_LETTER_TOPICS,
  EVENT_TOPICS,
  decodeEvent,
  type ConsumerGroupName,
} from '@app/contracts';
import { readTopic, type LoggedMessage } from '@app/messaging';
import { Kafka, logLevel } from 'kafkajs';

export interface TypeCount {
  /** Records in the log (a relay re-send counts again). */
  records: number;
  /** Distinct event ids. */
  distinct: number;
}

/** What the log holds, counted by event type, plus records no consumer can decode. */
export interface Census {
  byType: Record<string, TypeCount>;
  undecodable: Record<string, number>;
  /** Order ids that have an OrderCreated in the log. */
  created: Set<string>;
  /** Every decodable event id in the log, per topic. */
  eventIds: Record<string, Set<string>>;
  deadLetters: Record<string, LoggedMessage[]>;
}

export async function takeCensus(brokers: string[]): Promise<Census> {
  const kafka = new Kafka({ clientId: 'chaos-census', brokers, logLevel: logLevel.NOTHING });
  const census: Census = {
    byType: {},
    undecodable: {},
    created: new Set(),
    eventIds: {},
    deadLetters: {},
  };
  for (const topic of EVENT_TOPICS) {
    const ids = new Map<string, Set<string>>();
    census.undecodable[topic] = 0;
    const topicIds = (census.eventIds[topic] = new Set<string>());
    for (const { message } of await readTopic(kafka, topic)) {
      const decoded = decodeEvent(message.value);
      if (!decoded.ok) {
        census.undecodable[topic] += 1;
        continue;
      }
      const { eventType, eventId, aggregateId } = decoded.envelope;
      const count = (census.byType[eventType] ??= { records: 0, distinct: 0 });
      count.records += 1;
      const seen = ids.get(eventType) ?? new Set<string>();
      ids.set(eventType, seen);
      if (!seen.has(eventId)) count.distinct += 1;
      seen.add(eventId);
      topicIds.add(eventId);
      if (eventType === 'OrderCreated') census.created.add(aggregateId);
    }
  }
  for (const topic of Object.values(DEAD_LETTER_TOPICS))
    census.deadLetters[topic] = await readTopic(kafka, topic);
  return census;
}

/** The records of the types `group` acts on: how many, how many distinct, how many re-sent. */
export function actedOn(
  census: Census,
  group: ConsumerGroupName,
): { records: number; distinct: number; resent: number } {
  let records = 0;
  let distinct = 0;
  for (const type of ACTS_ON[group]) {
    records += census.byType[type]?.records ?? 0;
    distinct += census.byType[type]?.distinct ?? 0;
  }
  return { records, distinct, resent: records - distinct };
}

export const resentTotal = (census: Census): number =>
  Object.values(census.byType).reduce((n, c) => n + c.records - c.distinct, 0);

export const recordsTotal = (census: Census): number =>
  Object.values(census.byType).reduce((n, c) => n + c.records, 0);
