import type { EventOf, EventPayloads } from '@app/contracts';
import { PermanentError } from '@app/messaging';

import { approve, reject, type Order } from '../domain/order.js';

export type Emitted = 'OrderApproved' | 'OrderRejected';

/** A payment event of one transaction, in log order. */
export type PaymentEvent = EventOf<'PaymentAuthorized'> | EventOf<'PaymentRejected'>;

/** What one transaction's payment events do, for its one write. */
export interface OrderDecisions {
  /** Orders that changed, in their state at the end of the transaction. */
  changed: Order[];
  /** The event each applied transition emits, by index of the payment event that caused it. */
  emitted: { cause: number; eventType: Emitted; payload: EventPayloads[Emitted] }[];
  /** Payment events the state machine ignored (a transition that already happened), with why. */
  ignored: { cause: number; reason: string }[];
}

/**
 * Decides a transaction's payment events in log order, each against the state the ones
 * before it left (a second decision for one order finds it decided). `orders` holds the
 * locked orders the events name. Pure: the caller reads and writes.
 */
export function decideOrders(
  events: readonly PaymentEvent[],
  orders: ReadonlyMap<string, Order>,
): OrderDecisions {
  const current = new Map(orders);
  const changed = new Map<string, Order>();
  const out: OrderDecisions = { changed: [], emitted: [], ignored: [] };
  events.forEach((event, cause) => {
    const { orderId } = event.payload;
    const order = current.get(orderId);
    // Payments exist only for orders whose OrderCreated committed here first.
    if (!order) throw new PermanentError('unknown-order', `no order ${orderId}`);
    const decision =
      event.eventType === 'PaymentAuthorized'
        ? { emits: 'OrderApproved' as const, ...approve(order, event.payload) }
        : { emits: 'OrderRejected' as const, ...reject(order, event.payload) };
    if (decision.kind === 'ignored') {
      out.ignored.push({ cause, reason: decision.reason });
      return;
    }
    current.set(orderId, decision.order);
    changed.set(orderId, decision.order);
    out.emitted.push({ cause, eventType: decision.emits, payload: decision.event });
  });
  out.changed = [...changed.values()];
  return out;
}
