import type { EntityManager } from 'typeorm';

import type { AmountDelta, OrderView, SummaryDelta } from './order-view.js';

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

  /**
   * Saves the folded view and adds the customer's counter and amount changes, in one
   * statement (data-modifying CTEs all run): one round trip per event instead of three.
   */
  async write(
    manager: EntityManager,
    view: OrderView,
    summary: SummaryDelta,
    amount: AmountDelta | undefined,
  ): Promise<void> {
    const params: unknown[] = [];
    const p = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const ctes: string[] = [];
    const entries = Object.entries(summary) as [keyof SummaryDelta, number][];
    if (entries.length > 0) {
      const cols = entries.map(([k]) => SUMMARY_COLUMNS[k]);
      const table = this.t('customer_summaries');
      ctes.push(`summary AS (
        INSERT INTO ${table} (customer_id, ${cols.join(', ')})
        VALUES (${p(view.customerId)}, ${entries.map(([, v]) => p(v)).join(', ')})
        ON CONFLICT (customer_id) DO UPDATE SET ${cols
          .map((c) => `${c} = ${table}.${c} + EXCLUDED.${c}`)
          .join(', ')})`);
    }
    if (amount) {
      const table = this.t('customer_amounts');
      ctes.push(`amounts AS (
        INSERT INTO ${table} (customer_id, currency, authorized, refunded)
        VALUES (${p(view.customerId)}, ${p(amount.currency)}, ${p(amount.authorized)}, ${p(amount.refunded)})
        ON CONFLICT (customer_id, currency) DO UPDATE SET
          authorized = ${table}.authorized + EXCLUDED.authorized,
          refunded = ${table}.refunded + EXCLUDED.refunded)`);
    }
    const upsert = this.upsertSql(view, 'DO UPDATE', p);
    await manager.query(`${ctes.length ? `WITH ${ctes.join(', ')} ` : ''}${upsert}`, params);
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
