import type { EventOf } from '@app/contracts';
import { PermanentError, appendToOutbox, idFromKey, sentTogether } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type { EntityManager } from 'typeorm';

import { openAccount } from '../domain/credit-account.js';
import { authorizePayment, refundPayment } from '../domain/payment.js';
import { PaymentStore } from './ports/payment-store.js';
import { Clock } from '@app/platform';
import { CreditPolicy } from './credit-policy.js';

/** What order events mean to payments and credit. */
@Injectable()
export class OrderEventsHandlers {
  constructor(
    private readonly payments: PaymentStore,
    private readonly policy: CreditPolicy,
    private readonly clock: Clock,
    private readonly logger: PinoLogger,
  ) {}

  async onOrderCreated(event: EventOf<'OrderCreated'>, manager: EntityManager): Promise<void> {
    const order = event.payload;
    // Statements started together leave in one write and run in the order they were started
    // (sentTogether); one that fails aborts the transaction, so those behind it fail too and
    // nothing of it commits.
    const [account, decided] = await Promise.all(
      sentTogether(
        manager,
        () =>
          [
            this.payments.lockAccount(
              manager,
              openAccount(order.customerId, {
                creditLimit: this.policy.defaultCreditLimit,
                currency: this.policy.defaultCurrency,
              }),
            ),
            this.payments.lockPayment(manager, order.orderId),
          ] as const,
      ),
    );
    // One payment per order: a second OrderCreated for it (a re-publish that outlived the
    // inbox's horizon) must not reserve credit twice.
    if (decided) {
      this.logger.info({ orderId: order.orderId }, 'payment already decided; OrderCreated ignored');
      return;
    }
    const decision = authorizePayment(account, {
      paymentId: idFromKey('payment', order.orderId),
      orderId: order.orderId,
      customerId: order.customerId,
      amount: order.total,
      currency: order.currency,
    });
    const now = this.clock.now();
    await Promise.all(
      sentTogether(manager, () => [
        this.payments.insertPayment(manager, decision.payment, now),
        this.payments.saveAccount(manager, decision.account),
        appendToOutbox(manager, {
          eventType: decision.eventType,
          aggregateId: order.orderId,
          payload: decision.event,
          occurredAt: now,
          correlationId: event.correlationId,
          causationId: event.eventId,
        }),
      ]),
    );
  }

  async onOrderCancelled(event: EventOf<'OrderCancelled'>, manager: EntityManager): Promise<void> {
    const payment = await this.payments.lockPayment(manager, event.payload.orderId);
    if (!payment) {
      // OrderCreated precedes OrderCancelled on the same partition, so a missing payment means
      // OrderCreated was dead-lettered here: park this for a human (redrive it after that one).
      throw new PermanentError(
        'payment-missing',
        `no payment for cancelled order ${event.payload.orderId}`,
      );
    }
    const account = await this.payments.lockAccount(
      manager,
      openAccount(payment.customerId, {
        creditLimit: this.policy.defaultCreditLimit,
        currency: this.policy.defaultCurrency,
      }),
    );
    const outcome = refundPayment(payment, account);
    if (outcome.kind === 'ignored') {
      this.logger.info({ orderId: payment.orderId, reason: outcome.reason }, 'refund not needed');
      return;
    }
    const now = this.clock.now();
    await Promise.all(
      sentTogether(manager, () => [
        this.payments.updatePayment(manager, outcome.payment, now),
        this.payments.saveAccount(manager, outcome.account),
        appendToOutbox(manager, {
          eventType: 'PaymentRefunded',
          aggregateId: payment.orderId,
          payload: outcome.event,
          occurredAt: now,
          correlationId: event.correlationId,
          causationId: event.eventId,
        }),
      ]),
    );
  }
}
