import { context, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

let provider: NodeTracerProvider | undefined;

/**
 * Where spans go, from the standard OpenTelemetry variables: an OTLP/HTTP endpoint when
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT` is set (and neither
 * `OTEL_SDK_DISABLED=true` nor `OTEL_TRACES_EXPORTER=none` turns it off), nowhere otherwise.
 */
export function otlpTracesWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT);
}

/**
 * OpenTelemetry with W3C trace context: spans get real ids and the active one follows async
 * work, so a request's trace continues through the outbox, the Kafka headers and every
 * consumer. Spans are exported (OTLP/HTTP, JSON encoding, batched) only when an endpoint is
 * configured; without one nothing is sent and nothing is logged about it. The exporter reads
 * the endpoint, headers and timeout from the `OTEL_EXPORTER_OTLP_*` variables itself, and
 * `OTEL_SERVICE_NAME` / `OTEL_RESOURCE_ATTRIBUTES` override the service's own name.
 */
export function setupTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): void {
  if (provider) return;
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }).merge(
      detectResources({ detectors: [envDetector] }),
    ),
    spanProcessors: otlpTracesWanted(env) ? [new BatchSpanProcessor(new OTLPTraceExporter())] : [],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
}

/** Sends the spans still buffered (a stopping service must not lose its last trace). */
export async function shutdownTracing(): Promise<void> {
  const stopping = provider;
  provider = undefined;
  await stopping?.shutdown();
}

/** trace_id / span_id of the active span, for log lines. */
export function traceFields(): Record<string, string> {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
