import { decodeEvent, type DomainEvent, type EventStream } from '@app/contracts';
import type { EntityManager } from 'typeorm';

import {
  ORDER_VIEW_COLUMNS,
  ORDER_VIEW_FIELDS,
  selectOrderViewColumns,
} from '../infrastructure/order-view.columns.js';
import { orderViewOfRow } from '../infrastructure/order-view.row.js';
import { CustomerTotals } from './customer-totals.js';
import type { OrderView, SummaryDelta } from './order-view.js';

const SUMMARY_COLUMNS = {
  orders: 'orders',
  pending: 'pending',
  approved: 'approved',
  rejected: 'rejected',
  cancelled: 'cancelled',
  paymentsAuthorized: 'payments_authorized',
  paymentsRejected: 'payments_rejected',
  paymentsRefunded: 'payments_refunded',
} as const satisfies Record<keyof SummaryDelta, string>;

/**
 * SQL for the view tables. Table names carry no schema: the live consumer finds them in
 * `public`, a rebuild's transactions put its scratch schema first in the search_path and so
 * write fresh tables beside the live ones with the same handlers.
 */
export class ViewStore {
  /** Customer counter changes of each open transaction, written once before it commits. */
  private readonly totals = new WeakMap<EntityManager, CustomerTotals>();

  totalsOf(manager: EntityManager): CustomerTotals {
    let totals = this.totals.get(manager);
    if (!totals) this.totals.set(manager, (totals = new CustomerTotals()));
    return totals;
  }

  /** Writes (and forgets) what totalsOf collected in this transaction. */
  async writeTotals(manager: EntityManager): Promise<void> {
    const totals = this.totals.get(manager);
    this.totals.delete(manager);
    if (totals) await this.addTotals(manager, totals);
  }

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

  /**
   * Adds a transaction's counter and amount changes, one statement per table, rows in key
   * order: concurrent transactions lock shared customer rows in the same order and queue.
   */
  private async addTotals(manager: EntityManager, totals: CustomerTotals): Promise<void> {
    const customers = [...totals.summaries.keys()].sort();
    if (customers.length > 0) {
      const keys = Object.keys(SUMMARY_COLUMNS) as (keyof SummaryDelta)[];
      const cols = keys.map((k) => SUMMARY_COLUMNS[k]);
      const table = 'customer_summaries';
      await manager.query(
        `INSERT INTO ${table} (customer_id, ${cols.join(', ')})
         SELECT * FROM unnest($1::text[], ${cols.map((_, i) => `$${i + 2}::int[]`).join(', ')})
          ORDER BY 1
         ON CONFLICT (customer_id) DO UPDATE SET ${cols
           .map((c) => `${c} = ${table}.${c} + EXCLUDED.${c}`)
           .join(', ')}`,
        [customers, ...keys.map((k) => customers.map((c) => totals.summaries.get(c)![k] ?? 0))],
      );
    }
    const amounts = [...totals.amounts.values()].sort((a, b) =>
      a.customerId === b.customerId
        ? a.currency.localeCompare(b.currency)
        : a.customerId < b.customerId
          ? -1
          : 1,
    );
    if (amounts.length > 0) {
      const table = 'customer_amounts';
      await manager.query(
        `INSERT INTO ${table} (customer_id, currency, authorized, refunded)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) ORDER BY 1, 2
         ON CONFLICT (customer_id, currency) DO UPDATE SET
           authorized = ${table}.authorized + EXCLUDED.authorized,
           refunded = ${table}.refunded + EXCLUDED.refunded`,
        [
          amounts.map((a) => a.customerId),
          amounts.map((a) => a.currency),
          amounts.map((a) => a.authorized),
          amounts.map((a) => a.refunded),
        ],
      );
    }
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
