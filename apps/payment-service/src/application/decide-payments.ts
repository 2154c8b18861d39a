import type { EventOf, EventPayloads } from '@app/contracts';
import { PermanentError, idFromKey } from '@app/messaging';

import type { CreditAccount } from '../domain/credit-account.js';
import { authorizePayment, refundPayment, type Payment } from '../domain/payment.js';

export type Emitted = 'PaymentAuthorized' | 'PaymentRejected' | 'PaymentRefunded';

/** An order event of one transaction, in log order. */
export type OrderEvent =
  | { kind: 'created'; event: EventOf<'OrderCreated'> }
  | { kind: 'cancelled'; event: EventOf<'OrderCancelled'> };

/** What one transaction's order events do, for its one write. */
export interface PaymentDecisions {
  /** Payments new in this transaction (in their state at its end). */
  inserted: Payment[];
  /** Payments that existed before and changed. */
  updated: Payment[];
  /** Accounts whose available credit changed, in their state at the end. */
  accounts: CreditAccount[];
  /** The event each decision emits, by index of the order event that caused it. */
  emitted: { cause: number; eventType: Emitted; payload: EventPayloads[Emitted] }[];
  /** Order events that changed nothing, with why. */
  ignored: { cause: number; reason: string }[];
}

/**
 * Decides a transaction's order events in log order, each against the state the ones before
 * it left: one customer's orders draw on one account, and an order created and cancelled in
 * the same transaction is inserted already refunded. `accounts` holds the locked account of
 * every customer the events name; `payments` the locked payments of their orders. Pure: the
 * caller reads and writes.
 */
export function decidePayments(
  events: readonly OrderEvent[],
  accounts: ReadonlyMap<string, CreditAccount>,
  payments: ReadonlyMap<string, Payment>,
): PaymentDecisions {
  const account = new Map(accounts);
  const payment = new Map(payments);
  const inserted = new Map<string, Payment>();
  const updated = new Map<string, Payment>();
  const changed = new Map<string, CreditAccount>();
  const out: PaymentDecisions = {
    inserted: [],
    updated: [],
    accounts: [],
    emitted: [],
    ignored: [],
  };
  const accountOf = (customerId: string): CreditAccount => {
    const found = account.get(customerId);
    // Locked by the customer named in the event; a payment of another customer would be a
    // broken record, and retrying it would not mend it.
    if (!found) throw new PermanentError('customer-mismatch', `account ${customerId} not locked`);
    return found;
  };
  const save = (next: Payment, credit: CreditAccount, isNew: boolean): void => {
    payment.set(next.orderId, next);
    if (isNew || inserted.has(next.orderId)) inserted.set(next.orderId, next);
    else updated.set(next.orderId, next);
    account.set(credit.customerId, credit);
    changed.set(credit.customerId, credit);
  };

  events.forEach((e, cause) => {
    const { orderId, customerId } = e.event.payload;
    if (e.kind === 'created') {
      // One payment per order: a second OrderCreated for it (a re-publish that outlived the
      // inbox's horizon) must not reserve credit twice.
      if (payment.has(orderId)) {
        out.ignored.push({ cause, reason: 'payment already decided' });
        return;
      }
      const decision = authorizePayment(accountOf(customerId), {
        paymentId: idFromKey('payment', orderId),
        orderId,
        customerId,
        amount: e.event.payload.total,
        currency: e.event.payload.currency,
      });
      save(decision.payment, decision.account, true);
      out.emitted.push({ cause, eventType: decision.eventType, payload: decision.event });
      return;
    }
    const paid = payment.get(orderId);
    if (!paid) {
      // OrderCreated precedes OrderCancelled on the same partition, so a missing payment
      // means OrderCreated was dead-lettered here: park this for a human (redrive it after
      // that one).
      throw new PermanentError('payment-missing', `no payment for cancelled order ${orderId}`);
    }
    const outcome = refundPayment(paid, accountOf(paid.customerId));
    if (outcome.kind === 'ignored') {
      out.ignored.push({ cause, reason: outcome.reason });
      return;
    }
    save(outcome.payment, outcome.account, false);
    out.emitted.push({ cause, eventType: 'PaymentRefunded', payload: outcome.event });
  });
  out.inserted = [...inserted.values()];
  out.updated = [...updated.values()];
  out.accounts = [...changed.values()];
  return out;
}
