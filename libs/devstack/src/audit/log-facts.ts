import { decodeEvent, type EventEnvelope } from '@app/contracts';
import type { LoggedMessage } from '@app/messaging';

/** What the log says about one order, per stream. */
export interface OrderFacts {
  orderId: string;
  customerId: string;
  orderStatus: 'PENDING' | 'APPROVED' | 'REJECTED' | 'CANCELLED' | null;
  paymentStatus: 'AUTHORIZED' | 'REJECTED' | 'REFUNDED' | null;
  paymentAmount: number;
  currency: string | null;
  lastSequence: { order: number; payment: number };
}

export interface LogFacts {
  orders: Map<string, OrderFacts>;
  records: number;
  /** Records that re-state an event already in the log (a relay re-send): allowed. */
  resent: number;
  /** Records that cannot be decoded (they belong in dead-letter topics). */
  undecodable: number;
  violations: string[];
}

const ORDER_STATUS = {
  OrderCreated: 'PENDING',
  OrderApproved: 'APPROVED',
  OrderRejected: 'REJECTED',
  OrderCancelled: 'CANCELLED',
} as const;
const PAYMENT_STATUS = {
  PaymentAuthorized: 'AUTHORIZED',
  PaymentRejected: 'REJECTED',
  PaymentRefunded: 'REFUNDED',
} as const;

/**
 * Folds both topics into the state the log implies, and checks the log itself: keys are
 * order ids, one order's records of one stream share a partition, and sequences run 1, 2, 3…
 * without gaps; the same sequence twice must be the same event (a re-send), never another.
 */
export function factsFromLog(orderLog: LoggedMessage[], paymentLog: LoggedMessage[]): LogFacts {
  const facts: LogFacts = {
    orders: new Map(),
    records: 0,
    resent: 0,
    undecodable: 0,
    violations: [],
  };
  const seen = new Map<string, { eventId: string; partition: number }>();
  for (const [stream, log] of [
    ['order', orderLog],
    ['payment', paymentLog],
  ] as const) {
    for (const { partition, message } of log) {
      facts.records += 1;
      const decoded = decodeEvent(message.value);
      if (!decoded.ok) {
        facts.undecodable += 1;
        continue;
      }
      const e = decoded.envelope as EventEnvelope<{
        orderId: string;
        customerId: string;
        amount?: number;
        currency?: string;
      }>;
      const where = `${stream} stream of order ${e.aggregateId}`;
      if (message.key?.toString() !== e.aggregateId)
        facts.violations.push(`${where}: key ${String(message.key)} is not the order id`);
      const slot = `${stream}/${e.aggregateId}/${e.sequence}`;
      const earlier = seen.get(slot);
      if (earlier) {
        if (earlier.eventId !== e.eventId)
          facts.violations.push(`${where}: two different events with sequence ${e.sequence}`);
        else facts.resent += 1;
        continue;
      }
      seen.set(slot, { eventId: e.eventId, partition });
      const order = facts.orders.get(e.aggregateId) ?? {
        orderId: e.aggregateId,
        customerId: e.payload.customerId,
        orderStatus: null,
        paymentStatus: null,
        paymentAmount: 0,
        currency: null,
        lastSequence: { order: 0, payment: 0 },
      };
      facts.orders.set(e.aggregateId, order);
      const previous = seen.get(`${stream}/${e.aggregateId}/${e.sequence - 1}`);
      if (e.sequence > 1 && !previous)
        facts.violations.push(`${where}: sequence ${e.sequence} before ${e.sequence - 1}`);
      if (previous && previous.partition !== partition)
        facts.violations.push(`${where}: spread over partitions`);
      if (stream === 'order') {
        order.orderStatus = ORDER_STATUS[e.eventType as keyof typeof ORDER_STATUS];
        order.lastSequence.order = e.sequence;
      } else {
        order.paymentStatus = PAYMENT_STATUS[e.eventType as keyof typeof PAYMENT_STATUS];
        order.paymentAmount = e.payload.amount ?? 0;
        order.currency = e.payload.currency ?? order.currency;
        order.lastSequence.payment = e.sequence;
      }
    }
  }
  return facts;
}
