import { HEADERS } from '@app/contracts';
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

export interface PublishedEvent {
  eventType: string;
  eventId: string;
  topic: string;
  aggregateId: string;
}

/**
 * A producer span for one event written to the outbox, child of `parent` (by default the
 * active span: the request or the record that caused it), and the traceparent that the record will carry. The outbox
 * row is the publication: it commits with the state change, and the relay only copies it to
 * Kafka later, so the span ends here and every consumer of the record becomes its child. With
 * no active trace nothing is started and no traceparent is returned.
 */
export function publishTraceparent(
  event: PublishedEvent,
  parent: Context = context.active(),
): string | undefined {
  if (!trace.getSpanContext(parent)) return undefined;
  const span = tracer().startSpan(
    `publish ${event.eventType}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.destination.name': event.topic,
        'messaging.kafka.message.key': event.aggregateId,
        'messaging.message.id': event.eventId,
        'orderlog.event_type': event.eventType,
      },
    },
    parent,
  );
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(parent, span), carrier);
  span.end();
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
  const eventType = headers[HEADERS.eventType];
  const span: Span = tracer().startSpan(
    name,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        ...(eventType ? { 'orderlog.event_type': eventType } : {}),
        ...attributes,
      },
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), work);
  } finally {
    span.end();
  }
}
