import { streamOf, type DomainEvent } from '@app/contracts';
import type { EntityManager } from 'typeorm';

import { fold } from './fold.js';
import { emptyView } from './order-view.js';
import type { ViewStore } from './view-store.js';

export type ProjectionOutcome = 'applied' | 'stale' | 'parked';

/**
 * Applies an event to the views inside the consumer's transaction. Per order and stream it
 * keeps the last applied sequence: an older or repeated sequence changes nothing (a replay
 * or a re-send), and one that arrives ahead of a gap is parked until the gap fills, so the
 * result always equals in-order delivery. Customer counter changes are collected per
 * transaction (ViewStore.totalsOf) and written once before it commits.
 */
export async function projectEvent(
  store: ViewStore,
  manager: EntityManager,
  event: DomainEvent,
): Promise<ProjectionOutcome> {
  const stream = streamOf(event.eventType);
  // The two topics are consumed concurrently: the row must exist before it is locked, or two
  // first events of one order (one per stream) would both start from an empty view. Most
  // events find it already there, so the insert is only tried when the lock finds nothing.
  let locked = await store.lock(manager, event.aggregateId, stream);
  if (!locked) {
    await store.insertIfAbsent(
      manager,
      emptyView(event.aggregateId, event.payload.customerId, event.occurredAt),
    );
    locked = await store.lock(manager, event.aggregateId, stream);
    if (!locked) throw new Error(`order view ${event.aggregateId} vanished under its lock`);
  }
  let view = locked.view;
  const last = stream === 'order' ? view.orderSeq : view.paymentSeq;
  if (event.sequence <= last) return 'stale';
  if (event.sequence > last + 1) {
    await store.park(manager, stream, event);
    return 'parked';
  }
  const totals = store.totalsOf(manager);
  let next: DomainEvent | undefined = event;
  while (next) {
    const folded = fold(view, next);
    view = folded.view;
    totals.add(view.customerId, folded.summary, folded.amount);
    next = locked.hasParked
      ? await store.unpark(manager, event.aggregateId, stream, next.sequence + 1)
      : undefined;
  }
  await store.save(manager, view);
  return 'applied';
}
