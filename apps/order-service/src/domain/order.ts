import type {
  OrderApprovedPayload,
  OrderCancelledPayload,
  OrderCreatedPayload,
  OrderItem,
  OrderRejectedPayload,
} from '@app/contracts';
import { totalOf } from './money.js';
import { problemsWithNewOrder, type NewOrder } from './new-order.rules.js';
import { IllegalTransitionError, InvalidOrderError } from './order.errors.js';
import { DEFAULT_SALES_CHANNEL } from './sales-channel.js';

// The order state machine. Every transition is pure: it takes the current state and returns
// the next one with the event payload it causes, so the caller stores both in one transaction.

interface OrderFacts {
  readonly orderId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly items: readonly OrderItem[];
  /** Integer minor units: sum of quantity * unitPrice. */
  readonly total: number;
}

// Each state states what it must hold: only an approved order has a payment for sure, only a
// rejected one a rejection reason. A cancelled one keeps the payment it may have had.
export type PendingOrder = OrderFacts & {
  status: 'PENDING';
  rejectionReason: null;
  paymentId: null;
};
export type ApprovedOrder = OrderFacts & {
  status: 'APPROVED';
  rejectionReason: null;
  paymentId: string;
};
export type RejectedOrder = OrderFacts & {
  status: 'REJECTED';
  rejectionReason: string;
  paymentId: null;
};
export type CancelledOrder = OrderFacts & {
  status: 'CANCELLED';
  rejectionReason: null;
  paymentId: string | null;
};

export type Order = PendingOrder | ApprovedOrder | RejectedOrder | CancelledOrder;
export type OrderStatus = Order['status'];

/**
 * What handling a message did. Redeliveries and races are normal on a log, so a transition
 * that no longer applies is ignored with a reason (logged, inbox row kept), never an error.
 */
export type MessageOutcome<TOrder extends Order, TEvent> =
  { kind: 'applied'; order: TOrder; event: TEvent } | { kind: 'ignored'; reason: string };

/** On POST /orders: nothing to PENDING, stated as OrderCreated. */
export function placeOrder(input: NewOrder): { order: PendingOrder; event: OrderCreatedPayload } {
  const problems = problemsWithNewOrder(input);
  const total = problems.length === 0 ? totalOf(input.items) : null;
  if (total === null) throw new InvalidOrderError(problems);
  const { orderId, customerId, currency } = input;
  // Copies only the known fields: the event states the fact, not whatever the caller sent.
  const items = input.items.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice }));
  const facts = { orderId, customerId, currency, items, total };
  const order: PendingOrder = {
    ...facts,
    status: 'PENDING',
    rejectionReason: null,
    paymentId: null,
  };
  // The channel is a fact about how the order was placed, stated once in OrderCreated; the
  // order's own state does not depend on it, so the Order type does not carry it.
  const salesChannel = input.salesChannel ?? DEFAULT_SALES_CHANNEL;
  return { order, event: { ...facts, salesChannel } };
}

/** On PaymentAuthorized. */
export function approve(
  order: Order,
  { paymentId }: { paymentId: string },
): MessageOutcome<ApprovedOrder, OrderApprovedPayload> {
  switch (order.status) {
    case 'PENDING': {
      const approved: ApprovedOrder = { ...order, status: 'APPROVED', paymentId };
      const { orderId, customerId } = order;
      return { kind: 'applied', order: approved, event: { orderId, customerId, paymentId } };
    }
    case 'APPROVED':
      return { kind: 'ignored', reason: 'already-applied' };
    case 'CANCELLED':
      // A cancel crossed the authorization in flight; payment-service refunds the payment when
      // it reads OrderCancelled, which follows OrderCreated on the same partition.
      return { kind: 'ignored', reason: 'order-cancelled' };
    case 'REJECTED':
      return { kind: 'ignored', reason: 'order-rejected' };
  }
}

/** On PaymentRejected. */
export function reject(
  order: Order,
  { reason }: { reason: string },
): MessageOutcome<RejectedOrder, OrderRejectedPayload> {
  switch (order.status) {
    case 'PENDING': {
      const rejected: RejectedOrder = { ...order, status: 'REJECTED', rejectionReason: reason };
      const { orderId, customerId } = order;
      return { kind: 'applied', order: rejected, event: { orderId, customerId, reason } };
    }
    case 'REJECTED':
      return { kind: 'ignored', reason: 'already-applied' };
    case 'APPROVED':
      return { kind: 'ignored', reason: 'order-approved' };
    case 'CANCELLED':
      return { kind: 'ignored', reason: 'order-cancelled' };
  }
}

/** On POST /orders/:id/cancel: a client command, so a refused transition is an error (409). */
export function cancel(
  order: Order,
  { reason }: { reason: string | null },
): { order: CancelledOrder; event: OrderCancelledPayload } {
  if (order.status !== 'PENDING' && order.status !== 'APPROVED') {
    throw new IllegalTransitionError(order.orderId, order.status, 'CANCELLED');
  }
  const cancelled: CancelledOrder = { ...order, status: 'CANCELLED' };
  const { orderId, customerId } = order;
  return { order: cancelled, event: { orderId, customerId, reason } };
}
