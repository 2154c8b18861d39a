import type { EventEnvelope, EventType } from '@app/contracts';
import type { EntityManager } from 'typeorm';

import { fold, streamOf } from './fold.js';
import type { CustomerTotals } from './customer-totals.js';
import { emptyView } from './order-view.js';
import type { ViewStore } from './view-store.js';

export type ProjectionOutcome = 'applied' | 'stale' | 'parked';

/**
 * Applies an event to the views inside the consumer's transaction. Per order and stream it
 * keeps the last applied sequence: an older or repeated sequence changes nothing (a replay
 * or a re-send), and one that arrives ahead of a gap is parked until the gap fills, so the
 * result always equals in-order delivery. Customer counter changes go to `totals`, which
 * the transaction writes once before it commits (see viewProjection).
 */
export async function project(
  store: ViewStore,
  manager: EntityManager,
  event: EventEnvelope,
  totals: CustomerTotals,
): Promise<ProjectionOutcome> {
  const stream = streamOf(event.eventType as EventType);
  const payload = event.payload as { orderId: string; customerId: string };
  // The two topics are consumed concurrently: the row must exist before it is locked, or two
  // first events of one order (one per stream) would both start from an empty view. Most
  // events find it already there, so the insert is only tried when the lock finds nothing.
  let locked = await store.lock(manager, event.aggregateId, stream);
  if (!locked) {
    await store.insertIfAbsent(
      manager,
      emptyView(event.aggregateId, payload.customerId, event.occurredAt),
    );
    locked = (await store.lock(manager, event.aggregateId, stream))!;
  }
  let view = locked.view;
  const last = stream === 'order' ? view.orderSeq : view.paymentSeq;
  if (event.sequence <= last) return 'stale';
  if (event.sequence > last + 1) {
    await store.park(manager, event.aggregateId, stream, event.sequence, event);
    return 'parked';
  }
  let next: EventEnvelope | undefined = event;
  while (next) {
    const folded = fold(view, next);
    view = folded.view;
    totals.add(view.customerId, folded.summary, folded.amount);
    next = locked.hasParked
      ? ((await store.unpark(manager, event.aggregateId, stream, next.sequence + 1)) as
          EventEnvelope | undefined)
      : undefined;
  }
  await store.save(manager, view);
  return 'applied';
}
