import type { OrderView } from '../projections/order-view.js';

/**
 * An order_views row read with selectOrderViewColumns as an OrderView: bigint columns come
 * back as strings and timestamps as Dates, the fold works on numbers and ISO strings.
 */
export function orderViewOfRow(row: Record<string, unknown>): OrderView {
  return {
    ...(row as unknown as OrderView),
    total: row.total === null ? null : Number(row.total),
    paymentAmount: row.paymentAmount === null ? null : Number(row.paymentAmount),
    createdAt: row.createdAt === null ? null : (row.createdAt as Date).toISOString(),
    updatedAt: (row.updatedAt as Date).toISOString(),
  };
}
