/**
 * Every record on an event stream is one envelope. The payload states the fact only; the
 * envelope carries identity, ordering (`sequence` per aggregate and stream, gap-free from 1)
 * and tracing (`correlationId` for the whole saga, `causationId` = the event that caused it).
 */
export interface EventEnvelope<TPayload = unknown, TType extends string = string> {
  eventId: string;
  eventType: TType;
  schemaVersion: number;
  aggregateId: string;
  sequence: number;
  occurredAt: string;
  correlationId: string;
  causationId: string | null;
  payload: TPayload;
}
