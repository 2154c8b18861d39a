import type { OrderView } from '../projections/order-view.js';

/**
 * The order_views table, column by column, in table order: the DDL, the projection's reads
 * and writes and the API's query all come from this one list. Order matters: the checksum
 * compares rows as text, so live and rebuilt tables must have the same column order.
 */
export const ORDER_VIEW_COLUMNS = {
  orderId: { column: 'order_id', type: 'uuid PRIMARY KEY' },
  customerId: { column: 'customer_id', type: 'text NOT NULL' },
  status: { column: 'status', type: 'text' },
  currency: { column: 'currency', type: 'text' },
  total: { column: 'total', type: 'bigint' },
  items: { column: 'items', type: 'jsonb' },
  salesChannel: { column: 'sales_channel', type: 'text' },
  rejectionReason: { column: 'rejection_reason', type: 'text' },
  cancelReason: { column: 'cancel_reason', type: 'text' },
  paymentId: { column: 'payment_id', type: 'uuid' },
  paymentStatus: { column: 'payment_status', type: 'text' },
  paymentAmount: { column: 'payment_amount', type: 'bigint' },
  paymentReason: { column: 'payment_reason', type: 'text' },
  orderSeq: { column: 'order_seq', type: 'integer NOT NULL DEFAULT 0' },
  paymentSeq: { column: 'payment_seq', type: 'integer NOT NULL DEFAULT 0' },
  createdAt: { column: 'created_at', type: 'timestamptz' },
  updatedAt: { column: 'updated_at', type: 'timestamptz NOT NULL' },
} as const satisfies Record<keyof OrderView, { column: string; type: string }>;

export type OrderViewField = keyof typeof ORDER_VIEW_COLUMNS;

export const ORDER_VIEW_FIELDS = Object.keys(ORDER_VIEW_COLUMNS) as OrderViewField[];

/** `alias.column AS "field"` for every column: rows come back keyed like an OrderView. */
export const selectOrderViewColumns = (alias: string): string =>
  ORDER_VIEW_FIELDS.map((f) => `${alias}.${ORDER_VIEW_COLUMNS[f].column} AS "${f}"`).join(', ');
