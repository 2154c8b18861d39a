import type { EventOf, EventPayloads } from '@app/contracts';
import {
  PermanentError,
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

import { approve, reject, type MessageOutcome, type Order } from '../domain/order.js';
import { OrderStore } from './ports/order-store.js';
import { Clock } from '@app/platform';

type Emitted = 'OrderApproved' | 'OrderRejected';

/** A payment event of this transaction, waiting for the transaction's one write. */
interface Pending {
  event: EventOf<'PaymentAuthorized' | 'PaymentRejected'>;
  emits: Emitted;
  decide: (order: Order) => MessageOutcome<Order, EventPayloads[Emitted]>;
  /** The record's span: the event it causes continues its trace. */
  trace: Context;
}

/**
 * What payment events mean to an order. Dedupe, retries and dead letters are the consumer
 * runtime's; a transition that already happened is the state machine's 'ignored'.
 *
 * Set-based: a handler only notes its event (TransactionBatch); once per transaction, just
 * before it commits, the orders of all its records are locked and read in one statement, each event is decided
 * in log order against the state the ones before it left, and the changed orders and their
 * events are written with one statement each. Under a backlog a transaction carries up to a
 * hundred records, so this is three statements for them instead of four per record.
 */
@Injectable()
export class PaymentEventsHandlers {
  private readonly batch = new TransactionBatch<Pending>((manager, pending) =>
    this.write(manager, pending),
  );

  constructor(
    private readonly orders: OrderStore,
    private readonly clock: Clock,
    private readonly logger: PinoLogger,
  ) {}

  onAuthorized(event: EventOf<'PaymentAuthorized'>, context: EventContext): Promise<void> {
    return this.note(context, event, 'OrderApproved', (order) =>
      approve(order, { paymentId: event.payload.paymentId }),
    );
  }

  onRejected(event: EventOf<'PaymentRejected'>, context: EventContext): Promise<void> {
    return this.note(context, event, 'OrderRejected', (order) =>
      reject(order, { reason: event.payload.reason }),
    );
  }

  private note(
    context: EventContext,
    event: Pending['event'],
    emits: Emitted,
    decide: Pending['decide'],
  ): Promise<void> {
    return this.batch.note(context, { event, emits, decide, trace: traceContext.active() });
  }

  private async write(manager: EntityManager, pending: readonly Pending[]): Promise<void> {
    const ids = [...new Set(pending.map((p) => p.event.payload.orderId))];
    const current = new Map(
      (await this.orders.lockAll(manager, ids)).map((r) => [r.order.orderId, r.order]),
    );
    const now = this.clock.now();
    const changed = new Map<string, Order>();
    const events: NewEvent<Emitted>[] = [];
    for (const { event, emits, decide, trace } of pending) {
      const orderId = event.payload.orderId;
      const order = current.get(orderId);
      if (!order) {
        // Payments exist only for orders whose OrderCreated committed here first.
        throw new PermanentError('unknown-order', `no order ${orderId}`);
      }
      const decision = decide(order);
      if (decision.kind === 'ignored') {
        this.logger.info(
          { orderId, eventType: event.eventType, reason: decision.reason },
          'transition ignored',
        );
        continue;
      }
      current.set(orderId, decision.order);
      changed.set(orderId, decision.order);
      events.push({
        eventType: emits,
        aggregateId: orderId,
        payload: decision.event,
        occurredAt: now,
        correlationId: event.correlationId,
        causationId: event.eventId,
        traceContext: trace,
      });
    }
    if (events.length === 0) return;
    // Started together, they leave in one write and run in this order (sentTogether); if one
    // fails, the transaction and both fail.
    await Promise.all(
      sentTogether(manager, () => [
        this.orders.updateAll(manager, [...changed.values()], now),
        appendAllToOutbox(manager, events),
      ]),
    );
  }
}
