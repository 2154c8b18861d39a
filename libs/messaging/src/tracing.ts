import {
  ROOT_CONTEXT,
  SpanKind,
  context,
  propagation,
  trace,
  type Context,
  type Span,
} from '@opentelemetry/api';

const tracer = () => trace.getTracer('orderlog-messaging');

/** The W3C traceparent of the active context (the HTTP request's or the record's span). */
export function activeTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/**
 * Runs `work` in a consumer span whose parent is the trace carried by the record's headers,
 * so whatever the handler writes to its outbox continues the same trace.
 */
export async function inConsumerSpan<T>(
  name: string,
  headers: Record<string, string>,
  attributes: Record<string, string | number>,
  work: () => Promise<T>,
): Promise<T> {
  const parent: Context = propagation.extract(ROOT_CONTEXT, headers);
  const span: Span = tracer().startSpan(name, { kind: SpanKind.CONSUMER, attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), work);
  } finally {
    span.end();
  }
}
