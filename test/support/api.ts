import type { E2eStack } from './e2e-stack.js';
import { http, type HttpResponse, type RequestOptions } from './http.js';

export type OrderStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'CANCELLED';
export type PaymentStatus = 'AUTHORIZED' | 'REJECTED' | 'REFUNDED';

export interface OrderItem {
  sku: string;
  quantity: number;
  unitPrice: number;
}

export interface PlaceOrderBody {
  customerId: string;
  currency: string;
  items: OrderItem[];
}

export interface Order extends PlaceOrderBody {
  orderId: string;
  status: OrderStatus;
  total: number;
  rejectionReason?: string;
}

export interface Payment {
  paymentId: string;
  orderId: string;
  customerId: string;
  amount: number;
  currency: string;
  status: PaymentStatus;
  reason?: string;
}

export interface Account {
  customerId: string;
  currency: string;
  creditLimit: number;
  available: number;
}

export interface OrderView extends Order {
  paymentStatus: PaymentStatus | null;
  paymentAmount?: number;
  cancelReason?: string;
  createdAt: string;
  updatedAt: string;
}

export interface CustomerSummary {
  customerId: string;
  orders: { total: number; pending: number; approved: number; rejected: number; cancelled: number };
  payments: { authorized: number; rejected: number; refunded: number };
  amounts: { currency: string; authorized: number; refunded: number; outstanding: number }[];
}

export interface OrderPage {
  items: OrderView[];
  nextCursor: string | null;
}

export const ADMIN_TOKEN = 'dev-admin-token';

/** The public HTTP interface of the three services (SYSTEM.md "Public interface"). */
export function systemApi(stack: E2eStack) {
  const orders = stack.url('order-service');
  const payments = stack.url('payment-service');
  const views = stack.url('read-model');
  return {
    placeOrder: (
      body: unknown,
      opts: Omit<RequestOptions, 'json'> = {},
    ): Promise<HttpResponse<Order>> =>
      http('POST', `${orders}/orders`, opts.raw === undefined ? { ...opts, json: body } : opts),
    order: (orderId: string): Promise<HttpResponse<Order>> =>
      http('GET', `${orders}/orders/${orderId}`),
    cancel: (orderId: string, reason?: string): Promise<HttpResponse<Order>> =>
      http('POST', `${orders}/orders/${orderId}/cancel`, {
        json: reason === undefined ? {} : { reason },
      }),
    payment: (orderId: string): Promise<HttpResponse<Payment>> =>
      http('GET', `${payments}/payments/${orderId}`),
    account: (customerId: string): Promise<HttpResponse<Account>> =>
      http('GET', `${payments}/accounts/${encodeURIComponent(customerId)}`),
    view: (orderId: string): Promise<HttpResponse<OrderView>> =>
      http('GET', `${views}/orders/${orderId}`),
    listViews: (query: Record<string, string | number>): Promise<HttpResponse<OrderPage>> => {
      const search = new URLSearchParams(
        Object.entries(query).map(([k, v]) => [k, String(v)] as [string, string]),
      );
      return http('GET', `${views}/orders?${search.toString()}`);
    },
    summary: (customerId: string): Promise<HttpResponse<CustomerSummary>> =>
      http('GET', `${views}/customers/${encodeURIComponent(customerId)}/summary`),
    checksum: (): Promise<HttpResponse<{ checksum: string; orders: number }>> =>
      http('GET', `${views}/admin/checksum`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      }),
  };
}

export type SystemApi = ReturnType<typeof systemApi>;
