import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  HEADERS,
  currentVersionOf,
  encodeEvent,
  type EventEnvelope,
  type EventPayloads,
  type EventType,
} from '@app/contracts';
import { projectRoot } from '@app/devstack';

import type { OutgoingRecord } from './kafka-testbed.js';

/** 'OrderCreated' -> 'order-created', the folder of its golden fixtures. */
const folderOf = (eventType: string): string =>
  eventType.replace(/[A-Z]/g, (c, i: number) => (i === 0 ? '' : '-') + c.toLowerCase());

/** The golden fixture of the version producers write today (the contract evolves). */
function fixture(eventType: EventType): EventEnvelope<Record<string, unknown>> {
  const file = `v${currentVersionOf(eventType)}.json`;
  const path = join(projectRoot(), 'libs/contracts/fixtures', folderOf(eventType), file);
  return JSON.parse(readFileSync(path, 'utf8')) as EventEnvelope<Record<string, unknown>>;
}

/** The golden fixture's payload, about order `orderId`. */
export function payloadFor<K extends EventType>(eventType: K, orderId: string): EventPayloads[K] {
  return { ...fixture(eventType).payload, orderId } as unknown as EventPayloads[K];
}

/**
 * A valid envelope made from the golden fixture, with a fresh eventId and the given order
 * (aggregateId = payload.orderId, as the contract demands) and sequence.
 */
export function envelopeFor(
  eventType: EventType,
  { aggregateId = randomUUID(), sequence = 1 }: { aggregateId?: string; sequence?: number } = {},
): EventEnvelope<Record<string, unknown>> {
  const base = fixture(eventType);
  return {
    ...base,
    eventId: randomUUID(),
    aggregateId,
    sequence,
    payload: { ...base.payload, orderId: aggregateId },
  };
}

/** The Kafka record the relay would write for `envelope`: key = order id, bytes, headers. */
export function recordOf(envelope: EventEnvelope): OutgoingRecord {
  return {
    key: envelope.aggregateId,
    value: encodeEvent(envelope),
    headers: {
      [HEADERS.eventType]: envelope.eventType,
      [HEADERS.schemaVersion]: String(envelope.schemaVersion),
      [HEADERS.eventId]: envelope.eventId,
    },
  };
}
