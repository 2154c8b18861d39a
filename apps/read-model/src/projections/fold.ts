import { streamOf, unhandled, type DomainEvent } from '@app/contracts';

import type { AmountDelta, OrderView, SummaryDelta } from './order-view.js';

export interface Folded {
  view: OrderView;
  summary: SummaryDelta;
  amount?: AmountDelta;
}

/**
 * Applies one event to an order's view. The caller guarantees that, per stream, events come
 * in sequence order. The two streams touch disjoint columns (and counters that commute), so
 * any interleaving of order.events and payment.events folds to the same view: that is what
 * makes the read model converge without an order across topics.
 */
export function fold(view: OrderView, event: DomainEvent): Folded {
  const stream = streamOf(event.eventType);
  const next: OrderView = {
    ...view,
    orderSeq: stream === 'order' ? event.sequence : view.orderSeq,
    paymentSeq: stream === 'payment' ? event.sequence : view.paymentSeq,
    updatedAt: later(view.updatedAt, event.occurredAt),
  };
  switch (event.eventType) {
    case 'OrderCreated': {
      const p = event.payload;
      Object.assign(next, {
        status: 'PENDING',
        currency: p.currency,
        total: p.total,
        items: p.items,
        salesChannel: p.salesChannel,
        createdAt: event.occurredAt,
      });
      return { view: next, summary: { orders: 1, pending: 1 } };
    }
    case 'OrderApproved':
      next.status = 'APPROVED';
      return { view: next, summary: leaving(view.status, { approved: 1 }) };
    case 'OrderRejected':
      next.status = 'REJECTED';
      next.rejectionReason = event.payload.reason;
      return { view: next, summary: leaving(view.status, { rejected: 1 }) };
    case 'OrderCancelled':
      next.status = 'CANCELLED';
      next.cancelReason = event.payload.reason;
      return { view: next, summary: leaving(view.status, { cancelled: 1 }) };
    case 'PaymentAuthorized': {
      const p = event.payload;
      Object.assign(next, {
        paymentId: p.paymentId,
        paymentStatus: 'AUTHORIZED',
        paymentAmount: p.amount,
      });
      return {
        view: next,
        summary: { paymentsAuthorized: 1 },
        amount: { currency: p.currency, authorized: p.amount, refunded: 0 },
      };
    }
    case 'PaymentRejected': {
      const p = event.payload;
      Object.assign(next, {
        paymentId: p.paymentId,
        paymentStatus: 'REJECTED',
        paymentAmount: p.amount,
        paymentReason: p.reason,
      });
      return { view: next, summary: { paymentsRejected: 1 } };
    }
    case 'PaymentRefunded': {
      const p = event.payload;
      next.paymentStatus = 'REFUNDED';
      return {
        view: next,
        summary: { paymentsRefunded: 1 },
        amount: { currency: p.currency, authorized: 0, refunded: p.amount },
      };
    }
    default:
      return unhandled(event);
  }
}

/** Moves one order from its previous status's counter to the new one. */
function leaving(previous: OrderView['status'], entering: SummaryDelta): SummaryDelta {
  return previous === 'PENDING' || previous === 'APPROVED'
    ? { ...entering, [previous.toLowerCase()]: -1 }
    : entering;
}

function later(a: string, b: string): string {
  return Date.parse(b) > Date.parse(a) ? b : a;
}
