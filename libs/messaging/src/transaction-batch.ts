import type { EventEnvelope, EventPayloads, EventType } from '@app/contracts';
import { context as traceContext, type Context } from '@opentelemetry/api';
import type { EntityManager } from 'typeorm';

import type { EventContext } from './event-route.js';
import type { NewEvent } from './outbox-writer.js';

/** A note with the trace of the record that made it (its consumer span). */
export interface Noted<T> {
  readonly note: T;
  readonly trace: Context;
}

/**
 * What a set-based handler's records note during one transaction, written once just before
 * it commits (EventContext.beforeCommit) with the whole transaction's worth: a few statements
 * per transaction instead of a few per record. The notes die with the transaction: a failed
 * transaction's are never written, and its records are noted again when they run once more.
 */
export class TransactionBatch<T> {
  private readonly open = new WeakMap<EntityManager, Noted<T>[]>();

  constructor(
    private readonly write: (manager: EntityManager, notes: readonly Noted<T>[]) => Promise<void>,
  ) {}

  note(context: EventContext, note: T): Promise<void> {
    const { manager } = context;
    const noted = { note, trace: traceContext.active() };
    const notes = this.open.get(manager);
    if (notes) notes.push(noted);
    else {
      const first = [noted];
      this.open.set(manager, first);
      context.beforeCommit(() => {
        this.open.delete(manager);
        return this.write(manager, first);
      });
    }
    return Promise.resolve();
  }
}

/**
 * The event that handling `cause` emits when it is written after the handler returned: the
 * same aggregate (the orderId) and correlation, caused by it, continuing its record's trace.
 */
export function causedBy<K extends EventType>(
  cause: EventEnvelope,
  trace: Context,
  eventType: K,
  payload: EventPayloads[K],
  occurredAt: Date,
): NewEvent<K> {
  return {
    eventType,
    aggregateId: cause.aggregateId,
    payload,
    occurredAt,
    correlationId: cause.correlationId,
    causationId: cause.eventId,
    traceContext: trace,
  };
}
