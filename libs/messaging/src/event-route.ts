import type { DomainEvent, EventOf, EventType } from '@app/contracts';
import type { EntityManager } from 'typeorm';

/**
 * What a handler gets besides the event: the transaction that also records the event in the
 * inbox (write through `manager`, never through another connection), and where the record
 * came from.
 */
export interface EventContext {
  readonly manager: EntityManager;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The consumer group applying the event. */
  readonly groupId: string;
  /**
   * Runs `work` once, in this transaction, after the handlers of all its records and before
   * it commits (in the order registered, after the routes' own beforeCommit). A set-based
   * handler collects its records' effects and writes them all there; a failure fails the
   * transaction like a failing handler.
   */
  beforeCommit(work: () => Promise<void>): void;
  /**
   * Runs `work` once this transaction has committed, and never if it rolls back (a retry
   * applies the records again in a new one). For what lives outside the database and must
   * count committed effects only: a rebuild holds its customer counters in memory this way.
   */
  afterCommit(work: () => void): void;
}

/**
 * What a handler asks of the transaction it runs in, beyond the inbox row.
 * - `lockKeys`: rows the handler writes that records of OTHER partitions write too (one
 *   order lives in one partition per topic; a customer's credit does not). Every
 *   transaction takes these keys first, in one global order (see lockStatement), so
 *   transactions that apply several records queue instead of deadlocking.
 * - `beforeCommit`: work done once per transaction, after the handlers of all its records
 *   (the read model writes its summed customer counters there, in key order).
 */
export interface EventHandlerOptions<K extends EventType = EventType> {
  lockKeys?: (event: EventOf<K>) => readonly string[];
  beforeCommit?: (manager: EntityManager) => Promise<void>;
}

/** One event type's handler, as the runtime calls it. */
export interface EventRoute {
  readonly handle: (event: DomainEvent, context: EventContext) => Promise<void>;
  readonly lockKeys?: (event: DomainEvent) => readonly string[];
  readonly beforeCommit?: (manager: EntityManager) => Promise<void>;
}

/**
 * Handlers by event type. A catalogue type without a route is acknowledged and skipped;
 * only types outside the catalogue (or newer versions) are dead-lettered, by decodeEvent.
 */
export type EventRoutes = ReadonlyMap<string, EventRoute>;
