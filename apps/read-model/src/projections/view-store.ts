import type { EntityManager } from 'typeorm';

import type { CustomerTotals } from './customer-totals.js';
import type { OrderView, SummaryDelta } from './order-view.js';

const COLUMNS = {
  orderId: 'order_id',
  customerId: 'customer_id',
  status: 'status',
  currency: 'currency',
  total: 'total',
  items: 'items',
  salesChannel: 'sales_channel',
  rejectionReason: 'rejection_reason',
  cancelReason: 'cancel_reason',
  paymentId: 'payment_id',
  paymentStatus: 'payment_status',
  paymentAmount: 'payment_amount',
  paymentReason: 'payment_reason',
  orderSeq: 'order_seq',
  paymentSeq: 'payment_seq',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
} as const satisfies Record<keyof OrderView, string>;

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
 * SQL for the view tables. `schema` lets a rebuild write fresh tables beside the live ones.
 */
export class ViewStore {
  constructor(private readonly schema = 'public') {}

  private t(table: string): string {
    return `"${this.schema}".${table}`;
  }

  /**
   * The view row for an order, row-locked until the transaction ends, and whether events of
   * `stream` wait in parked_events for it. The consumer holds the order's advisory lock (see
   * viewLockKeys) before this runs, so nothing can park for this order in between.
   */
  async lock(
    manager: EntityManager,
    orderId: string,
    stream: string,
  ): Promise<{ view: OrderView; hasParked: boolean } | null> {
    const rows = await manager.query<Record<string, unknown>[]>(
      `SELECT ${Object.entries(COLUMNS)
        .map(([k, c]) => `v.${c} AS "${k}"`)
        .join(', ')},
              EXISTS (SELECT 1 FROM ${this.t('parked_events')} p
                       WHERE p.order_id = v.order_id AND p.stream = $2) AS "hasParked"
         FROM ${this.t('order_views')} v WHERE v.order_id = $1 FOR UPDATE OF v`,
      [orderId, stream],
    );
    const row = rows[0];
    if (!row) return null;
    const { hasParked, ...view } = row;
    return {
      hasParked: hasParked === true,
      view: {
        ...(view as unknown as OrderView),
        total: row.total === null ? null : Number(row.total),
        paymentAmount: row.paymentAmount === null ? null : Number(row.paymentAmount),
        createdAt: row.createdAt === null ? null : (row.createdAt as Date).toISOString(),
        updatedAt: (row.updatedAt as Date).toISOString(),
      },
    };
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
  async addTotals(manager: EntityManager, totals: CustomerTotals): Promise<void> {
    const customers = [...totals.summaries.keys()].sort();
    if (customers.length > 0) {
      const keys = Object.keys(SUMMARY_COLUMNS) as (keyof SummaryDelta)[];
      const cols = keys.map((k) => SUMMARY_COLUMNS[k]);
      const table = this.t('customer_summaries');
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
      const table = this.t('customer_amounts');
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
    const keys = Object.keys(COLUMNS) as (keyof OrderView)[];
    const values = keys.map((k) =>
      p(k === 'items' && view.items ? JSON.stringify(view.items) : view[k]),
    );
    return `INSERT INTO ${this.t('order_views')} (${keys.map((k) => COLUMNS[k]).join(', ')})
       VALUES (${values.join(', ')})
       ON CONFLICT (order_id) ${
         onConflict === 'DO NOTHING'
           ? 'DO NOTHING'
           : `DO UPDATE SET ${keys
               .filter((k) => k !== 'orderId')
               .map((k) => `${COLUMNS[k]} = EXCLUDED.${COLUMNS[k]}`)
               .join(', ')}`
       }`;
  }

  async park(
    manager: EntityManager,
    orderId: string,
    stream: string,
    sequence: number,
    envelope: unknown,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.t('parked_events')} (order_id, stream, sequence, envelope)
       VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [orderId, stream, sequence, JSON.stringify(envelope)],
    );
  }

  /** Removes and returns the parked event that fills the next slot of a stream, if any. */
  async unpark(
    manager: EntityManager,
    orderId: string,
    stream: string,
    sequence: number,
  ): Promise<unknown> {
    const rows = await manager.query<[{ envelope: unknown }[], number] | { envelope: unknown }[]>(
      `DELETE FROM ${this.t('parked_events')} WHERE order_id = $1 AND stream = $2 AND sequence = $3
       RETURNING envelope`,
      [orderId, stream, sequence],
    );
    const list = Array.isArray(rows[0])
      ? (rows[0] as { envelope: unknown }[])
      : (rows as { envelope: unknown }[]);
    return list[0]?.envelope;
  }
}
