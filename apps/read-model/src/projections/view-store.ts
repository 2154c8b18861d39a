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

  /** The view row for an order, row-locked until the transaction ends. */
  async lock(manager: EntityManager, orderId: string): Promise<OrderView | null> {
    const rows = await manager.query<Record<string, unknown>[]>(
      `SELECT ${Object.entries(COLUMNS)
        .map(([k, c]) => `${c} AS "${k}"`)
        .join(', ')}
         FROM ${this.t('order_views')} WHERE order_id = $1 FOR UPDATE`,
      [orderId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      ...(row as unknown as OrderView),
      total: row.total === null ? null : Number(row.total),
      paymentAmount: row.paymentAmount === null ? null : Number(row.paymentAmount),
      createdAt: row.createdAt === null ? null : (row.createdAt as Date).toISOString(),
      updatedAt: (row.updatedAt as Date).toISOString(),
    };
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
    const keys = Object.keys(COLUMNS) as (keyof OrderView)[];
    const values = keys.map((k) =>
      k === 'items' && view.items ? JSON.stringify(view.items) : view[k],
    );
    await manager.query(
      `INSERT INTO ${this.t('order_views')} (${keys.map((k) => COLUMNS[k]).join(', ')})
       VALUES (${keys.map((_, i) => `$${i + 1}`).join(', ')})
       ON CONFLICT (order_id) ${
         onConflict === 'DO NOTHING'
           ? 'DO NOTHING'
           : `DO UPDATE SET ${keys
               .filter((k) => k !== 'orderId')
               .map((k) => `${COLUMNS[k]} = EXCLUDED.${COLUMNS[k]}`)
               .join(', ')}`
       }`,
      values,
    );
  }

  async addToSummary(
    manager: EntityManager,
    customerId: string,
    delta: SummaryDelta,
  ): Promise<void> {
    const entries = Object.entries(delta) as [keyof SummaryDelta, number][];
    if (entries.length === 0) return;
    const cols = entries.map(([k]) => SUMMARY_COLUMNS[k]);
    await manager.query(
      `INSERT INTO ${this.t('customer_summaries')} (customer_id, ${cols.join(', ')})
       VALUES ($1, ${entries.map((_, i) => `$${i + 2}`).join(', ')})
       ON CONFLICT (customer_id) DO UPDATE SET ${cols
         .map((c) => `${c} = ${this.t('customer_summaries')}.${c} + EXCLUDED.${c}`)
         .join(', ')}`,
      [customerId, ...entries.map(([, v]) => v)],
    );
  }

  async addToAmounts(
    manager: EntityManager,
    customerId: string,
    delta: AmountDelta,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.t('customer_amounts')} (customer_id, currency, authorized, refunded)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (customer_id, currency) DO UPDATE SET
         authorized = ${this.t('customer_amounts')}.authorized + EXCLUDED.authorized,
         refunded = ${this.t('customer_amounts')}.refunded + EXCLUDED.refunded`,
      [customerId, delta.currency, delta.authorized, delta.refunded],
    );
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
