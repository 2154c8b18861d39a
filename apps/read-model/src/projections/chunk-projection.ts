import {
  decodeEvent,
  ORDER_EVENT_TYPES,
  PAYMENT_EVENT_TYPES,
  type DomainEvent,
} from '@app/contracts';
import { sentTogether, type EventRoute, type EventRoutes } from '@app/messaging';
import type { EntityManager } from 'typeorm';

import { ViewChunkStore } from '../infrastructure/view-chunk.store.js';
import type { CustomerTotals } from './customer-totals.js';
import { foldChunk } from './fold-chunk.js';
import { ViewStore } from './view-store.js';

/**
 * The views' handlers, set-based: the runtime still writes every record's inbox row and
 * calls a handler only for new ones, but the handler only collects the event; once per
 * transaction (beforeCommit) the chunk's orders are loaded in one query, the events folded
 * in memory in log order with the same fold, and each table written with one statement.
 * The live views and a rebuild both use these routes; they produce the same rows as one
 * record per transaction (ADR 0006; the per-record oracle in test/support/read-model) at a
 * fraction of the statements.
 */
export function chunkProjectionRoutes(opts: ChunkProjectionOptions = {}): EventRoutes {
  const route = chunkProjectionRoute(opts);
  return new Map([...ORDER_EVENT_TYPES, ...PAYMENT_EVENT_TYPES].map((type) => [type, route]));
}

export interface ChunkProjectionOptions {
  /**
   * A rebuild's customer counters: each committed transaction's changes are added here in
   * memory instead of to the tables, and the rebuild writes the sums once, when it has
   * reached its target (ReplayService). The sums are those of the same transactions, so the
   * rows come out the same; a rebuild rewrote most customers' rows in every transaction.
   * Without it, every transaction writes its own changes (the live views).
   */
  heldTotals?: CustomerTotals;
}

/** The one route every event type of both streams shares (with its own pending events). */
export function chunkProjectionRoute({ heldTotals }: ChunkProjectionOptions = {}): EventRoute {
  const store = new ViewStore();
  const chunks = new ViewChunkStore();
  const pending = new WeakMap<EntityManager, DomainEvent[]>();

  const flush = async (manager: EntityManager): Promise<void> => {
    const events = pending.get(manager) ?? [];
    pending.delete(manager);
    const writeTotals = (): Promise<void> =>
      heldTotals ? Promise.resolve() : store.writeTotals(manager);
    if (events.length === 0) return writeTotals();
    const ids = [...new Set(events.map((e) => e.aggregateId))];
    const loaded = await chunks.load(manager, ids);
    const changes = foldChunk(loaded, events, reread, store.totalsOf(manager));
    // Every table's statement in one write, run in this order (sentTogether); one failing
    // aborts the transaction and the others with it.
    await Promise.all(
      sentTogether(manager, () => [
        chunks.saveViews(manager, changes.views),
        chunks.unpark(manager, changes.unpark),
        chunks.park(manager, changes.park),
        writeTotals(),
      ]),
    );
  };

  const route: EventRoute = {
    handle: (event, context) => {
      const { manager } = context;
      const events = pending.get(manager);
      if (events) events.push(event);
      else {
        pending.set(manager, [event]);
        // Counted once committed: a transaction that rolls back is applied again in another.
        if (heldTotals)
          context.afterCommit(() => {
            const totals = store.takeTotals(manager);
            if (totals) heldTotals.addAll(totals);
          });
      }
      return Promise.resolve();
    },
    // As the per-record handlers: the two topics' partitions write the same orders.
    lockKeys: viewLockKeys,
    beforeCommit: flush,
  };
  return route;
}

/** The order a view event changes: its key, locked first by each transaction that applies it. */
export const viewLockKeys = (event: { aggregateId: string }): string[] => [
  `order:${event.aggregateId}`,
];

/** An unparked event, decoded again from its stored form, as a record is. */
function reread(event: DomainEvent): DomainEvent {
  const decoded = decodeEvent(Buffer.from(JSON.stringify(event)));
  if (!decoded.ok) throw new Error(`parked event no longer decodes: ${decoded.detail}`);
  return decoded.envelope;
}
