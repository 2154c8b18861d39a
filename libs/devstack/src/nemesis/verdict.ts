import {
  ORDER_EVENTS_TOPIC,
  PAYMENT_EVENTS_TOPIC,
  decodeEvent,
  type ConsumerGroupName,
} from '@app/contracts';
import { readTopic } from '@app/messaging';
import { Kafka, logLevel } from 'kafkajs';

import type { AuditReport } from '../audit/audit.js';
import { GROUP_IDS, GROUP_TOPICS } from './groups.js';

/** Violations by the invariant they break. */
export interface Violations {
  /** A 201-answered order missing from the log, an event some consumer never recorded. */
  lost: string[];
  /** An event recorded more often than the log has it, a state ahead of the log. */
  appliedTwice: string[];
  /** A sequence before its predecessor, an order spread over partitions, a sequence reused. */
  outOfOrder: string[];
  /** A customer's available credit is not limit minus what is authorized. */
  moneyNotConserved: string[];
  /** Services disagree with the log in another way, sagas left open, dead letters. */
  other: string[];
}

export const violationCount = (v: Violations): number =>
  Object.values<string[]>(v as unknown as Record<string, string[]>).reduce(
    (n, list) => n + list.length,
    0,
  );

/** Distinct event ids per type in both topics, and the orders the log has an OrderCreated for. */
export async function logContents(brokers: string[]) {
  const kafka = new Kafka({ clientId: 'nemesis-verdict', brokers, logLevel: logLevel.NOTHING });
  const distinct = new Map<string, Set<string>>();
  const created = new Set<string>();
  for (const topic of [ORDER_EVENTS_TOPIC, PAYMENT_EVENTS_TOPIC]) {
    for (const { message } of await readTopic(kafka, topic)) {
      const decoded = decodeEvent(message.value);
      if (!decoded.ok) continue;
      const { eventType, eventId, aggregateId } = decoded.envelope;
      distinct.set(eventType, (distinct.get(eventType) ?? new Set()).add(eventId));
      if (eventType === 'OrderCreated') created.add(aggregateId);
    }
  }
  const actedOn = (group: ConsumerGroupName): number =>
    GROUP_TOPICS[group].actsOn.reduce((n, type) => n + (distinct.get(type)?.size ?? 0), 0);
  return { created, actedOn };
}

/**
 * Sorts everything that went wrong into the invariants: the auditor's findings, the orders
 * clients were told exist, and each consumer's inbox against the distinct events it acts on.
 */
export function judge(
  audit: AuditReport,
  placed: readonly string[],
  created: ReadonlySet<string>,
  inbox: Record<ConsumerGroupName, number>,
  actedOn: (group: ConsumerGroupName) => number,
): Violations {
  const v: Violations = {
    lost: [],
    appliedTwice: [],
    outOfOrder: [],
    moneyNotConserved: [],
    other: [],
  };
  for (const id of placed)
    if (!created.has(id)) v.lost.push(`order ${id} was answered 201 but is not in the log`);
  for (const group of GROUP_IDS) {
    const expected = actedOn(group);
    if (inbox[group] < expected)
      v.lost.push(`${group} recorded ${inbox[group]} of ${expected} distinct events it acts on`);
    if (inbox[group] > expected)
      v.appliedTwice.push(`${group} recorded ${inbox[group]} events, the log has ${expected}`);
  }
  for (const text of audit.violations) {
    if (
      /sequence|spread over partitions|two different events/.test(text) &&
      !/read model at/.test(text)
    )
      v.outOfOrder.push(text);
    else if (/invariant 5|available/.test(text)) v.moneyNotConserved.push(text);
    else if (/read model at sequences/.test(text)) v.appliedTwice.push(text);
    else if (/unpublished/.test(text)) v.lost.push(text);
    else v.other.push(text);
  }
  for (const [topic, n] of Object.entries(audit.deadLetters))
    if (n !== 0) v.other.push(`${topic} holds ${n} dead letters (every fault here is transient)`);
  return v;
}
