import type { EventOf } from '@app/contracts';
import {
  TransactionBatch,
  appendAllToOutbox,
  sentTogether,
  type EventContext,
  type NewEvent,
} from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { context as traceContext, type Context } from '@opentelemetry/api';
import { PinoLogger } from 'nestjs-pino';
import type { EntityManager } from 'typeorm';

import { openAccount } from '../domain/credit-account.js';
import { decidePayments, type Emitted, type OrderEvent } from './decide-payments.js';
import { PaymentStore } from './ports/payment-store.js';
import { Clock } from '@app/platform';
import { CreditPolicy } from './credit-policy.js';

/** An order event of this transaction, waiting for the transaction's one write. */
type Pending = OrderEvent & {
  /** The record's span: the event it causes continues its trace. */
  trace: Context;
};

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
  private readonly batch = new TransactionBatch<Pending>((manager, pending) =>
    this.write(manager, pending),
  );

  constructor(
    private readonly payments: PaymentStore,
    private readonly policy: CreditPolicy,
    private readonly clock: Clock,
    private readonly logger: PinoLogger,
  ) {}

  onOrderCreated(event: EventOf<'OrderCreated'>, context: EventContext): Promise<void> {
    return this.batch.note(context, { kind: 'created', event, trace: traceContext.active() });
  }

  onOrderCancelled(event: EventOf<'OrderCancelled'>, context: EventContext): Promise<void> {
    return this.batch.note(context, { kind: 'cancelled', event, trace: traceContext.active() });
  }

  private async write(manager: EntityManager, pending: readonly Pending[]): Promise<void> {
    const customers = [...new Set(pending.map((p) => p.event.payload.customerId))];
    const orders = [...new Set(pending.map((p) => p.event.payload.orderId))];
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
      pending,
      new Map(lockedAccounts.map((a) => [a.customerId, a])),
      new Map(lockedPayments.map((p) => [p.orderId, p])),
    );
    for (const { cause, reason } of decided.ignored)
      this.logger.info(
        {
          orderId: pending[cause]!.event.payload.orderId,
          eventType: pending[cause]!.event.eventType,
          reason,
        },
        'order event changed no payment',
      );
    if (decided.emitted.length === 0) return;
    const now = this.clock.now();
    const events = decided.emitted.map(({ cause, eventType, payload }): NewEvent<Emitted> => {
      const { event, trace } = pending[cause]!;
      return {
        eventType,
        aggregateId: event.payload.orderId,
        payload,
        occurredAt: now,
        correlationId: event.correlationId,
        causationId: event.eventId,
        traceContext: trace,
      };
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
