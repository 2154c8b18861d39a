import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { selectOrderViewColumns } from '../infrastructure/order-view.columns.js';
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

const SELECT = `SELECT ${selectOrderViewColumns('v')} FROM order_views v`;

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

/** A row of SELECT: every column of ORDER_VIEW_COLUMNS under its field name, as pg returns it. */
interface Row {
  orderId: string;
  customerId: string;
  status: string;
  currency: string;
  total: string;
  items: unknown[];
  salesChannel: string | null;
  rejectionReason: string | null;
  cancelReason: string | null;
  paymentId: string | null;
  paymentStatus: string | null;
  paymentAmount: string | null;
  paymentReason: string | null;
  orderSeq: number;
  paymentSeq: number;
  createdAt: Date;
  updatedAt: Date;
}

function toDto(r: Row): OrderViewDto {
  return {
    orderId: r.orderId,
    customerId: r.customerId,
    status: r.status,
    currency: r.currency,
    total: Number(r.total),
    items: r.items,
    salesChannel: r.salesChannel,
    ...(r.rejectionReason ? { rejectionReason: r.rejectionReason } : {}),
    ...(r.cancelReason ? { cancelReason: r.cancelReason } : {}),
    ...(r.paymentId ? { paymentId: r.paymentId } : {}),
    paymentStatus: r.paymentStatus,
    ...(r.paymentAmount !== null ? { paymentAmount: Number(r.paymentAmount) } : {}),
    ...(r.paymentReason ? { paymentReason: r.paymentReason } : {}),
    lastSequence: { order: r.orderSeq, payment: r.paymentSeq },
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
