import type { EventOf } from '@app/contracts';
import {
  TransactionBatch,
  appendAllToOutbox,
  causedBy,
  sentTogether,
  type EventContext,
  type Noted,
} from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type { EntityManager } from 'typeorm';

import { openAccount } from '../domain/credit-account.js';
import { decidePayments, type OrderEvent } from './decide-payments.js';
import { PaymentStore } from './ports/payment-store.js';
import { Clock } from '@app/platform';
import { CreditPolicy } from './credit-policy.js';

/**
 * What order events mean to payments and credit.
 *
 * Set-based: a handler only notes its event (TransactionBatch); once per transaction, just
 * before it commits, the accounts of all its customers are opened if new and locked, and the
 * payments of all its orders locked, in one write; the events are decided in log order
 * (decidePayments); the new and changed payments, the accounts and the events are written
 * with one statement each.
 * The runtime has already locked every customer key of the transaction (lockKeys), so
 * transactions of different partitions that share customers queue instead of deadlocking.
 */
@Injectable()
export class OrderEventsHandlers {
  private readonly batch = new TransactionBatch<OrderEvent>((manager, pending) =>
    this.write(manager, pending),
  );

  constructor(
    private readonly payments: PaymentStore,
    private readonly policy: CreditPolicy,
    private readonly clock: Clock,
    private readonly logger: PinoLogger,
  ) {}

  onOrderCreated(event: EventOf<'OrderCreated'>, context: EventContext): Promise<void> {
    return this.batch.note(context, { kind: 'created', event });
  }

  onOrderCancelled(event: EventOf<'OrderCancelled'>, context: EventContext): Promise<void> {
    return this.batch.note(context, { kind: 'cancelled', event });
  }

  private async write(
    manager: EntityManager,
    pending: readonly Noted<OrderEvent>[],
  ): Promise<void> {
    const customers = [...new Set(pending.map((p) => p.note.event.payload.customerId))];
    const orders = [...new Set(pending.map((p) => p.note.event.payload.orderId))];
    const [lockedAccounts, lockedPayments] = await Promise.all(
      sentTogether(
        manager,
        () =>
          [
            this.payments.lockAccounts(
              manager,
              customers.map((customerId) =>
                openAccount(customerId, {
                  creditLimit: this.policy.defaultCreditLimit,
                  currency: this.policy.defaultCurrency,
                }),
              ),
            ),
            this.payments.lockPayments(manager, orders),
          ] as const,
      ),
    );
    const decided = decidePayments(
      pending.map((p) => p.note),
      new Map(lockedAccounts.map((a) => [a.customerId, a])),
      new Map(lockedPayments.map((p) => [p.orderId, p])),
    );
    for (const { cause, reason } of decided.ignored) {
      const { event } = pending[cause]!.note;
      this.logger.info(
        { orderId: event.payload.orderId, eventType: event.eventType, reason },
        'order event changed no payment',
      );
    }
    if (decided.emitted.length === 0) return;
    const now = this.clock.now();
    const events = decided.emitted.map(({ cause, eventType, payload }) => {
      const { note, trace } = pending[cause]!;
      return causedBy(note.event, trace, eventType, payload, now);
    });
    // Started together, they leave in one write and run in this order (sentTogether); if one
    // fails, the transaction and all of them fail.
    await Promise.all(
      sentTogether(manager, () => [
        this.payments.insertPayments(manager, decided.inserted, now),
        this.payments.updatePayments(manager, decided.updated, now),
        this.payments.saveAccounts(manager, decided.accounts),
        appendAllToOutbox(manager, events),
      ]),
    );
  }
}
