import type { ReceivedSpan } from './otlp-receiver.js';

/**
 * Jaeger's JSON trace model, as its HTTP query API (`/api/traces`, the one the Jaeger UI
 * reads on 16686) returns it: the subset of fields the compose test's stand-in serves and the
 * compose check reads. Times are microseconds, parents are `CHILD_OF` references, and each
 * span names its service through a `processID` into the trace's `processes`.
 */
export interface JaegerTag {
  key: string;
  type: 'string' | 'bool' | 'int64' | 'float64';
  value: string | number | boolean;
}
export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: 'CHILD_OF' | 'FOLLOWS_FROM'; traceID: string; spanID: string }[];
  startTime: number;
  duration: number;
  tags: JaegerTag[];
  logs: unknown[];
  processID: string;
  warnings: string[] | null;
}
export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags: JaegerTag[] }>;
  warnings: string[] | null;
}
/** The envelope of every answer of the query API. */
export interface JaegerResponse<T> {
  data: T | null;
  total: number;
  limit: number;
  offset: number;
  errors: { code: number; msg: string }[] | null;
}

/** OTLP SpanKind -> Jaeger's `span.kind` tag (unspecified has none). */
const KINDS: Record<number, string> = {
  1: 'internal',
  2: 'server',
  3: 'client',
  4: 'producer',
  5: 'consumer',
};

/** One OTLP span in Jaeger's model; `processID` is assigned by the trace it belongs to. */
function toJaegerSpan(span: ReceivedSpan, processID: string): JaegerSpan {
  const startMicros = Number(BigInt(span.startTimeUnixNano) / 1000n);
  const endMicros = Number(BigInt(span.endTimeUnixNano) / 1000n);
  const kind = KINDS[span.kind];
  return {
    traceID: span.traceId,
    spanID: span.spanId,
    operationName: span.name,
    references: span.parentSpanId
      ? [{ refType: 'CHILD_OF', traceID: span.traceId, spanID: span.parentSpanId }]
      : [],
    startTime: startMicros,
    duration: Math.max(0, endMicros - startMicros),
    tags: [
      ...Object.entries(span.attributes).map(([key, value]) => tagOf(key, value)),
      ...(kind ? [tagOf('span.kind', kind)] : []),
    ],
    logs: [],
    processID,
    warnings: null,
  };
}

function tagOf(key: string, value: string | number | boolean): JaegerTag {
  if (typeof value === 'boolean') return { key, type: 'bool', value };
  if (typeof value === 'number') {
    return { key, type: Number.isInteger(value) ? 'int64' : 'float64', value };
  }
  return { key, type: 'string', value };
}

/** Spans grouped into Jaeger traces, the newest trace (latest start) first, as Jaeger lists them. */
export function toJaegerTraces(spans: readonly ReceivedSpan[]): JaegerTrace[] {
  const byTrace = new Map<string, ReceivedSpan[]>();
  for (const span of spans) byTrace.set(span.traceId, [...(byTrace.get(span.traceId) ?? []), span]);
  const traces = [...byTrace].map(([traceID, members]): JaegerTrace => {
    const processIds = new Map<string, string>();
    for (const { service } of members) {
      if (!processIds.has(service)) processIds.set(service, `p${processIds.size + 1}`);
    }
    return {
      traceID,
      spans: members.map((span) => toJaegerSpan(span, processIds.get(span.service) ?? '')),
      processes: Object.fromEntries(
        [...processIds].map(([serviceName, id]) => [id, { serviceName, tags: [] as JaegerTag[] }]),
      ),
      warnings: null,
    };
  });
  const latest = (t: JaegerTrace): number => Math.max(...t.spans.map((s) => s.startTime));
  return traces.sort((a, b) => latest(b) - latest(a));
}

/** A span of a Jaeger trace back in the flat form the saga-trace check reads. */
export interface FlatSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  service: string;
  kind: string;
  attributes: Record<string, string | number | boolean>;
}

/** Reads a trace as Jaeger returns it: service from `processes`, parent from `CHILD_OF`. */
export function flattenJaegerTrace(trace: JaegerTrace): FlatSpan[] {
  return trace.spans.map((span) => {
    const tags = Object.fromEntries(span.tags.map((t) => [t.key, t.value]));
    const { ['span.kind']: kind, ...attributes } = tags;
    return {
      traceId: span.traceID,
      spanId: span.spanID,
      parentSpanId: span.references.find((r) => r.refType === 'CHILD_OF')?.spanID ?? '',
      name: span.operationName,
      service: trace.processes[span.processID]?.serviceName ?? '',
      kind: String(kind ?? ''),
      attributes,
    };
  });
}
