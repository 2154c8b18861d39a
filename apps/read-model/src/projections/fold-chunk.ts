import { streamOf, type DomainEvent, type EventStream } from '@app/contracts';

import { CustomerTotals } from './customer-totals.js';
import { fold } from './fold.js';
import { emptyView, type OrderView } from './order-view.js';

/** An order as a chunk finds it: its view and the events of each stream parked for it. */
export interface LoadedOrder {
  view: OrderView;
  parked: Record<EventStream, Map<number, DomainEvent>>;
}

export interface ParkedKey {
  orderId: string;
  stream: EventStream;
  sequence: number;
}

/** What a chunk changes: the rows to write, to park and to unpark, and the counter deltas. */
export interface ChunkChanges {
  views: OrderView[];
  park: (ParkedKey & { event: DomainEvent })[];
  unpark: ParkedKey[];
  totals: CustomerTotals;
}

/**
 * The projection of many events at once, in memory: each event, in the given (log) order, meets
 * the view and the parked events that the events before it left, exactly as it would in one
 * transaction per record, and goes through the same fold. Net changes come out: a view
 * created by a parked event is written too, an event parked and unparked within the chunk
 * touches parked_events not at all. `reread` gives an unparked event back as unpark() would
 * (decoded again from its stored form). Counter changes are added to `totals`.
 */
export function foldChunk(
  loaded: Map<string, LoadedOrder>,
  events: readonly DomainEvent[],
  reread: (event: DomainEvent) => DomainEvent,
  totals = new CustomerTotals(),
): ChunkChanges {
  const changed = new Set<string>();
  const parkedHere = new Map<string, DomainEvent>();
  const unparked = new Map<string, ParkedKey>();
  for (const event of events) {
    const stream = streamOf(event.eventType);
    let order = loaded.get(event.aggregateId);
    if (!order) {
      const view = emptyView(event.aggregateId, event.payload.customerId, event.occurredAt);
      order = { view, parked: { order: new Map(), payment: new Map() } };
      loaded.set(event.aggregateId, order);
      changed.add(event.aggregateId);
    }
    const last = stream === 'order' ? order.view.orderSeq : order.view.paymentSeq;
    if (event.sequence <= last) continue;
    const parked = order.parked[stream];
    if (event.sequence > last + 1) {
      // ON CONFLICT DO NOTHING: the first event parked in a slot stays there.
      if (!parked.has(event.sequence)) {
        parked.set(event.sequence, event);
        parkedHere.set(key(event.aggregateId, stream, event.sequence), event);
      }
      continue;
    }
    let next: DomainEvent | undefined = event;
    while (next) {
      const folded = fold(order.view, next);
      order.view = folded.view;
      totals.add(order.view.customerId, folded.summary, folded.amount);
      const sequence = next.sequence + 1;
      const waiting = parked.get(sequence);
      next = waiting && reread(waiting);
      if (waiting) {
        parked.delete(sequence);
        const k = key(event.aggregateId, stream, sequence);
        if (!parkedHere.delete(k))
          unparked.set(k, { orderId: event.aggregateId, stream, sequence });
      }
    }
    changed.add(event.aggregateId);
  }
  return {
    views: [...changed].map((id) => loaded.get(id)!.view),
    park: [...parkedHere.values()].map((event) => ({
      orderId: event.aggregateId,
      stream: streamOf(event.eventType),
      sequence: event.sequence,
      event,
    })),
    unpark: [...unparked.values()],
    totals,
  };
}

const key = (orderId: string, stream: EventStream, sequence: number): string =>
  `${orderId}/${stream}/${sequence}`;
