/** One order as the read model shows it, folded from both streams. */
export interface OrderView {
  orderId: string;
  customerId: string;
  status: 'PENDING' | 'APPROVED' | 'REJECTED' | 'CANCELLED' | null;
  currency: string | null;
  total: number | null;
  items: { sku: string; quantity: number; unitPrice: number }[] | null;
  salesChannel: string | null;
  rejectionReason: string | null;
  cancelReason: string | null;
  paymentId: string | null;
  paymentStatus: 'AUTHORIZED' | 'REJECTED' | 'REFUNDED' | null;
  paymentAmount: number | null;
  paymentReason: string | null;
  orderSeq: number;
  paymentSeq: number;
  createdAt: string | null;
  updatedAt: string;
}

/** Changes to a customer's counters that one event causes. */
export interface SummaryDelta {
  orders?: number;
  pending?: number;
  approved?: number;
  rejected?: number;
  cancelled?: number;
  paymentsAuthorized?: number;
  paymentsRejected?: number;
  paymentsRefunded?: number;
}

export interface AmountDelta {
  currency: string;
  authorized: number;
  refunded: number;
}

export function emptyView(orderId: string, customerId: string, occurredAt: string): OrderView {
  return {
    orderId,
    customerId,
    status: null,
    currency: null,
    total: null,
    items: null,
    salesChannel: null,
    rejectionReason: null,
    cancelReason: null,
    paymentId: null,
    paymentStatus: null,
    paymentAmount: null,
    paymentReason: null,
    orderSeq: 0,
    paymentSeq: 0,
    createdAt: null,
    updatedAt: occurredAt,
  };
}
