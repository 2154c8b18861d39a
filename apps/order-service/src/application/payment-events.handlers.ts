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

import { decideOrders, type PaymentEvent } from './decide-orders.js';
import { OrderStore } from './ports/order-store.js';
import { Clock } from '@app/platform';

/**
 * What payment events mean to an order. Dedupe, retries and dead letters are the consumer
 * runtime's; a transition that already happened is the state machine's 'ignored'.
 *
 * Set-based: a handler only notes its event (TransactionBatch); once per transaction, just
 * before it commits, the orders of all its records are locked and read in one statement, the
 * events are decided in log order (decideOrders), and the changed orders and their events
 * are written with one statement each. Under a backlog a transaction carries up to a hundred
 * records, so this is three statements for them instead of four per record.
 */
@Injectable()
export class PaymentEventsHandlers {
  private readonly batch = new TransactionBatch<PaymentEvent>((manager, pending) =>
    this.write(manager, pending),
  );

  constructor(
    private readonly orders: OrderStore,
    private readonly clock: Clock,
    private readonly logger: PinoLogger,
  ) {}

  /** PaymentAuthorized or PaymentRejected: decided with the rest of its transaction. */
  onPaymentDecided(event: PaymentEvent, context: EventContext): Promise<void> {
    return this.batch.note(context, event);
  }

  private async write(
    manager: EntityManager,
    pending: readonly Noted<PaymentEvent>[],
  ): Promise<void> {
    const ids = [...new Set(pending.map((p) => p.note.payload.orderId))];
    const locked = await this.orders.lockAll(manager, ids);
    const decided = decideOrders(
      pending.map((p) => p.note),
      new Map(locked.map((r) => [r.order.orderId, r.order])),
    );
    for (const { cause, reason } of decided.ignored) {
      const event = pending[cause]!.note;
      this.logger.info(
        { orderId: event.payload.orderId, eventType: event.eventType, reason },
        'transition ignored',
      );
    }
    if (decided.emitted.length === 0) return;
    const now = this.clock.now();
    const events = decided.emitted.map(({ cause, eventType, payload }) => {
      const { note, trace } = pending[cause]!;
      return causedBy(note, trace, eventType, payload, now);
    });
    // Started together, they leave in one write and run in this order (sentTogether); if one
    // fails, the transaction and both fail.
    await Promise.all(
      sentTogether(manager, () => [
        this.orders.updateAll(manager, decided.changed, now),
        appendAllToOutbox(manager, events),
      ]),
    );
  }
}
