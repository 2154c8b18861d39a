import {
  decodeEvent,
  ORDER_EVENT_TYPES,
  PAYMENT_EVENT_TYPES,
  streamOf,
  type DomainEvent,
  type EventStream,
} from '@app/contracts';
import type { EventRoute, EventRoutes } from '@app/messaging';
import type { EntityManager } from 'typeorm';

import {
  ORDER_VIEW_COLUMNS,
  ORDER_VIEW_FIELDS,
  selectOrderViewColumns,
} from '../../../apps/read-model/src/infrastructure/order-view.columns.js';
import { orderViewOfRow } from '../../../apps/read-model/src/infrastructure/order-view.row.js';
import { fold } from '../../../apps/read-model/src/projections/fold.js';
import { emptyView, type OrderView } from '../../../apps/read-model/src/projections/order-view.js';
import { ViewStore } from '../../../apps/read-model/src/projections/view-store.js';

/** ViewStore (the shared customer totals) plus the per-record SQL of the view tables. */
class PerRecordViewStore extends ViewStore {
  /**
   * The view row for an order, row-locked until the transaction ends, and whether events of
   * `stream` wait in parked_events for it. The consumer holds the order's advisory lock (the
   * `lockKeys` of the projection's handlers) before this runs, so nothing can park for this
   * order in between.
   */
  async lock(
    manager: EntityManager,
    orderId: string,
    stream: EventStream,
  ): Promise<{ view: OrderView; hasParked: boolean } | null> {
    const rows = await manager.query<Record<string, unknown>[]>(
      `SELECT ${selectOrderViewColumns('v')},
              EXISTS (SELECT 1 FROM parked_events p
                       WHERE p.order_id = v.order_id AND p.stream = $2) AS "hasParked"
         FROM order_views v WHERE v.order_id = $1 FOR UPDATE OF v`,
      [orderId, stream],
    );
    const row = rows[0];
    if (!row) return null;
    const { hasParked, ...view } = row;
    return { hasParked: hasParked === true, view: orderViewOfRow(view) };
  }

  async insertIfAbsent(manager: EntityManager, view: OrderView): Promise<void> {
    await this.upsert(manager, view, 'DO NOTHING');
  }

  async save(manager: EntityManager, view: OrderView): Promise<void> {
    await this.upsert(manager, view, 'DO UPDATE');
  }

  private async upsert(
    manager: EntityManager,
    view: OrderView,
    onConflict: 'DO NOTHING' | 'DO UPDATE',
  ): Promise<void> {
    const params: unknown[] = [];
    const sql = this.upsertSql(view, onConflict, (value) => {
      params.push(value);
      return `$${params.length}`;
    });
    await manager.query(sql, params);
  }

  private upsertSql(
    view: OrderView,
    onConflict: 'DO NOTHING' | 'DO UPDATE',
    p: (value: unknown) => string,
  ): string {
    const keys = ORDER_VIEW_FIELDS;
    const column = (k: keyof OrderView): string => ORDER_VIEW_COLUMNS[k].column;
    const values = keys.map((k) =>
      p(k === 'items' && view.items ? JSON.stringify(view.items) : view[k]),
    );
    return `INSERT INTO order_views (${keys.map(column).join(', ')})
       VALUES (${values.join(', ')})
       ON CONFLICT (order_id) ${
         onConflict === 'DO NOTHING'
           ? 'DO NOTHING'
           : `DO UPDATE SET ${keys
               .filter((k) => k !== 'orderId')
               .map((k) => `${column(k)} = EXCLUDED.${column(k)}`)
               .join(', ')}`
       }`;
  }

  async park(manager: EntityManager, stream: EventStream, event: DomainEvent): Promise<void> {
    await manager.query(
      `INSERT INTO parked_events (order_id, stream, sequence, envelope)
       VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [event.aggregateId, stream, event.sequence, JSON.stringify(event)],
    );
  }

  /**
   * Removes and returns the parked event that fills the next slot of a stream, if any. It is
   * decoded again like a record: it was valid when parked, and the catalogue only grows.
   */
  async unpark(
    manager: EntityManager,
    orderId: string,
    stream: EventStream,
    sequence: number,
  ): Promise<DomainEvent | undefined> {
    const result = await manager.query<[{ envelope: unknown }[], number] | { envelope: unknown }[]>(
      `DELETE FROM parked_events WHERE order_id = $1 AND stream = $2 AND sequence = $3
       RETURNING envelope`,
      [orderId, stream, sequence],
    );
    // TypeORM returns [rows, count] for a DELETE … RETURNING, plain rows for other drivers.
    const rows = Array.isArray(result[0]) ? result[0] : result;
    const parked = (rows as { envelope: unknown }[])[0];
    if (!parked) return undefined;
    const decoded = decodeEvent(Buffer.from(JSON.stringify(parked.envelope)));
    if (!decoded.ok) throw new Error(`parked event no longer decodes: ${decoded.detail}`);
    return decoded.envelope;
  }
}

/**
 * The read model's projection one record at a time, as the live consumer applied it before
 * it went set-based (ADR 0009): per event, lock the order's view row, fold, upsert, park or
 * unpark, each a statement of its own. No service runs it any more; it is the oracle the
 * set-based projection (chunk-projection.ts) is tested against, because it is written
 * independently of it and obviously equals in-order delivery.
 */
export function perRecordRoutes(): EventRoutes {
  const store = new PerRecordViewStore();
  const route: EventRoute = {
    handle: async (event, context) => void (await projectEvent(store, context.manager, event)),
    lockKeys: (event) => [`order:${event.aggregateId}`],
    beforeCommit: (manager) => store.writeTotals(manager),
  };
  return new Map([...ORDER_EVENT_TYPES, ...PAYMENT_EVENT_TYPES].map((type) => [type, route]));
}

export type ProjectionOutcome = 'applied' | 'stale' | 'parked';

/**
 * Applies an event to the views inside the consumer's transaction. Per order and stream it
 * keeps the last applied sequence: an older or repeated sequence changes nothing (a replay
 * or a re-send), and one that arrives ahead of a gap is parked until the gap fills, so the
 * result always equals in-order delivery. Customer counter changes are collected per
 * transaction (ViewStore.totalsOf) and written once before it commits.
 */
export async function projectEvent(
  store: PerRecordViewStore,
  manager: EntityManager,
  event: DomainEvent,
): Promise<ProjectionOutcome> {
  const stream = streamOf(event.eventType);
  // The two topics are consumed concurrently: the row must exist before it is locked, or two
  // first events of one order (one per stream) would both start from an empty view. Most
  // events find it already there, so the insert is only tried when the lock finds nothing.
  let locked = await store.lock(manager, event.aggregateId, stream);
  if (!locked) {
    await store.insertIfAbsent(
      manager,
      emptyView(event.aggregateId, event.payload.customerId, event.occurredAt),
    );
    locked = await store.lock(manager, event.aggregateId, stream);
    if (!locked) throw new Error(`order view ${event.aggregateId} vanished under its lock`);
  }
  let view = locked.view;
  const last = stream === 'order' ? view.orderSeq : view.paymentSeq;
  if (event.sequence <= last) return 'stale';
  if (event.sequence > last + 1) {
    await store.park(manager, stream, event);
    return 'parked';
  }
  const totals = store.totalsOf(manager);
  let next: DomainEvent | undefined = event;
  while (next) {
    const folded = fold(view, next);
    view = folded.view;
    totals.add(view.customerId, folded.summary, folded.amount);
    next = locked.hasParked
      ? await store.unpark(manager, event.aggregateId, stream, next.sequence + 1)
      : undefined;
  }
  await store.save(manager, view);
  return 'applied';
}
