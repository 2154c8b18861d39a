/** Order bodies and event envelopes shaped like the real ones (same sizes, same fields). */
import { randomUUID } from 'node:crypto';

export const BENCH_CUSTOMERS = 5_000;
export const UNIT_PRICE = 100;

export function orderBody(index: number, customerPrefix = 'bench-c'): string {
  return JSON.stringify({
    customerId: `${customerPrefix}-${index % BENCH_CUSTOMERS}`,
    currency: 'EUR',
    items: [{ sku: 'SKU-BENCH', quantity: 1, unitPrice: UNIT_PRICE }],
  });
}

/** An OrderCreated envelope as order-service writes it into its outbox. */
export function orderCreatedEnvelope(orderId: string, customerId: string, occurredAt: Date) {
  return {
    eventId: randomUUID(),
    eventType: 'OrderCreated',
    schemaVersion: 2,
    aggregateId: orderId,
    sequence: 1,
    occurredAt: occurredAt.toISOString(),
    correlationId: orderId,
    causationId: null,
    payload: {
      orderId,
      customerId,
      currency: 'EUR',
      items: [{ sku: 'SKU-BENCH', quantity: 1, unitPrice: UNIT_PRICE }],
      total: UNIT_PRICE,
      salesChannel: 'api',
    },
  };
}

export function headersFor(envelope: {
  eventId: string;
  eventType: string;
  correlationId: string;
}) {
  return {
    'event-type': envelope.eventType,
    'schema-version': '2',
    'event-id': envelope.eventId,
    'correlation-id': envelope.correlationId,
    traceparent: `00-${randomUUID().replaceAll('-', '')}-${randomUUID().replaceAll('-', '').slice(0, 16)}-01`,
  };
}
