import { v5 as uuidv5 } from 'uuid';

/** Namespace for the project's name-based (v5) UUIDs. */
const NAMESPACE = '6f1c2b8e-4d3a-5b7c-9e8f-0a1b2c3d4e5f';

/**
 * The id of the event at `sequence` of an aggregate's stream. Deterministic, so a handler
 * re-run after a rolled-back attempt (or a replay) names the same fact the same way.
 */
export const eventIdFor = (topic: string, aggregateId: string, sequence: number): string =>
  uuidv5(`event:${topic}:${aggregateId}:${sequence}`, NAMESPACE);

/** An id derived from a client's key (e.g. Idempotency-Key -> orderId). */
export const idFromKey = (scope: string, key: string): string =>
  uuidv5(`${scope}:${key}`, NAMESPACE);
