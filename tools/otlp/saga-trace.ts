import type { FlatSpan } from './jaeger-model.js';

/** The approval saga's spans in causal order: each is the child of the one before. */
const CHAIN = [
  { service: 'order-service', kind: 'producer', eventType: 'OrderCreated' },
  { service: 'payment-service', kind: 'consumer', eventType: 'OrderCreated' },
  { service: 'payment-service', kind: 'producer', eventType: 'PaymentAuthorized' },
  { service: 'order-service', kind: 'consumer', eventType: 'PaymentAuthorized' },
  { service: 'order-service', kind: 'producer', eventType: 'OrderApproved' },
  { service: 'read-model', kind: 'consumer', eventType: 'OrderApproved' },
] as const;

/**
 * Checks one trace for the whole approval saga; the compose test runs it on what Jaeger's
 * query API returns, test/e2e/tracing.e2e-spec.ts on what the OTLP receiver got: the root `POST /orders`
 * server span answered 201, then OrderCreated published -> consumed by payment-service ->
 * PaymentAuthorized published -> consumed by order-service -> OrderApproved published ->
 * consumed by read-model, exactly one span each, every one in the root's trace and the child
 * of the one before. Returns what is missing or wrong; empty means the saga is one trace.
 */
export function approvalSagaProblems(spans: readonly FlatSpan[]): string[] {
  const roots = spans.filter(
    (s) =>
      s.service === 'order-service' &&
      s.kind === 'server' &&
      s.name === 'POST /orders' &&
      s.attributes['http.response.status_code'] === 201,
  );
  if (roots.length !== 1) return [`${roots.length} POST /orders server spans answered 201`];
  const root = roots[0]!;
  const problems: string[] = [];
  if (root.parentSpanId !== '') problems.push('POST /orders has a parent');
  let parent = root;
  for (const link of CHAIN) {
    const what = `${link.service} ${link.kind} ${link.eventType}`;
    const found = spans.filter(
      (s) =>
        s.service === link.service &&
        s.kind === link.kind &&
        s.attributes['orderlog.event_type'] === link.eventType,
    );
    if (found.length !== 1) {
      problems.push(`${found.length} spans for ${what}`);
      return problems;
    }
    const span = found[0]!;
    if (span.traceId !== root.traceId) problems.push(`${what} is in trace ${span.traceId}`);
    if (span.parentSpanId !== parent.spanId) {
      problems.push(`${what}'s parent is ${span.parentSpanId || 'none'}, not ${parent.name}`);
    }
    parent = span;
  }
  return problems;
}
