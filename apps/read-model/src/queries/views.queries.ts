import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { encodeCursor, type Cursor } from './cursor.js';

export interface OrderViewDto {
  orderId: string;
  customerId: string;
  status: string;
  currency: string;
  total: number;
  items: unknown[];
  salesChannel: string | null;
  rejectionReason?: string;
  cancelReason?: string;
  paymentId?: string;
  paymentStatus: string | null;
  paymentAmount?: number;
  paymentReason?: string;
  /** Last applied sequence per stream: how far this view has read each order's events. */
  lastSequence: { order: number; payment: number };
  createdAt: string;
  updatedAt: string;
}

const SELECT = `SELECT order_id, customer_id, status, currency, total, items, sales_channel, rejection_reason,
  cancel_reason, payment_id, payment_status, payment_amount, payment_reason, order_seq, payment_seq,
  created_at, updated_at
  FROM order_views`;

/** Reads of the views. An order shows once its OrderCreated has been applied. */
@Injectable()
export class ViewsQueries {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async order(orderId: string): Promise<OrderViewDto | null> {
    const rows = await this.dataSource.query<Row[]>(
      `${SELECT} WHERE order_id = $1 AND status IS NOT NULL`,
      [orderId],
    );
    return rows[0] ? toDto(rows[0]) : null;
  }

  async list(filter: {
    customerId?: string;
    status?: string;
    limit: number;
    after: Cursor | null;
  }): Promise<{ items: OrderViewDto[]; nextCursor: string | null }> {
    const where = ['status IS NOT NULL'];
    const params: unknown[] = [];
    if (filter.customerId) where.push(`customer_id = $${params.push(filter.customerId)}`);
    if (filter.status) where.push(`status = $${params.push(filter.status)}`);
    if (filter.after) {
      where.push(
        `(created_at, order_id) < ($${params.push(filter.after.createdAt)}::timestamptz, $${params.push(filter.after.orderId)}::uuid)`,
      );
    }
    const rows = await this.dataSource.query<Row[]>(
      `${SELECT} WHERE ${where.join(' AND ')} ORDER BY created_at DESC, order_id DESC LIMIT $${params.push(filter.limit + 1)}`,
      params,
    );
    const page = rows.slice(0, filter.limit).map(toDto);
    const last = page.at(-1);
    return {
      items: page,
      nextCursor:
        rows.length > filter.limit && last
          ? encodeCursor({ createdAt: last.createdAt, orderId: last.orderId })
          : null,
    };
  }

  async customerSummary(customerId: string) {
    const [summary] = await this.dataSource.query<Record<string, number>[]>(
      `SELECT * FROM customer_summaries WHERE customer_id = $1`,
      [customerId],
    );
    if (!summary) return null;
    const amounts = await this.dataSource.query<
      { currency: string; authorized: string; refunded: string }[]
    >(
      `SELECT currency, authorized, refunded FROM customer_amounts WHERE customer_id = $1 ORDER BY currency`,
      [customerId],
    );
    return {
      customerId,
      orders: {
        total: summary.orders,
        pending: summary.pending,
        approved: summary.approved,
        rejected: summary.rejected,
        cancelled: summary.cancelled,
      },
      payments: {
        authorized: summary.payments_authorized,
        rejected: summary.payments_rejected,
        refunded: summary.payments_refunded,
      },
      amounts: amounts.map((a) => ({
        currency: a.currency,
        authorized: Number(a.authorized),
        refunded: Number(a.refunded),
        outstanding: Number(a.authorized) - Number(a.refunded),
      })),
    };
  }
}

interface Row {
  order_id: string;
  customer_id: string;
  status: string;
  currency: string;
  total: string;
  items: unknown[];
  sales_channel: string | null;
  rejection_reason: string | null;
  cancel_reason: string | null;
  payment_id: string | null;
  payment_status: string | null;
  payment_amount: string | null;
  payment_reason: string | null;
  order_seq: number;
  payment_seq: number;
  created_at: Date;
  updated_at: Date;
}

function toDto(r: Row): OrderViewDto {
  return {
    orderId: r.order_id,
    customerId: r.customer_id,
    status: r.status,
    currency: r.currency,
    total: Number(r.total),
    items: r.items,
    salesChannel: r.sales_channel,
    ...(r.rejection_reason ? { rejectionReason: r.rejection_reason } : {}),
    ...(r.cancel_reason ? { cancelReason: r.cancel_reason } : {}),
    ...(r.payment_id ? { paymentId: r.payment_id } : {}),
    paymentStatus: r.payment_status,
    ...(r.payment_amount !== null ? { paymentAmount: Number(r.payment_amount) } : {}),
    ...(r.payment_reason ? { paymentReason: r.payment_reason } : {}),
    lastSequence: { order: r.order_seq, payment: r.payment_seq },
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
