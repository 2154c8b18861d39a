import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

/** One received span, flattened from OTLP's resource / scope / span nesting. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty for a trace's root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  /** `service.name` of the resource that sent it. */
  service: string;
  /** Nanoseconds since the epoch, as OTLP/JSON sends them (a decimal string). */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Record<string, string | number | boolean>;
}

export interface OtlpReceiver {
  /** Base URL for `OTEL_EXPORTER_OTLP_ENDPOINT` (the exporter appends `/v1/traces`). */
  readonly endpoint: string;
  readonly port: number;
  /** Every span received so far, in arrival order. */
  spans(): ReceivedSpan[];
  close(): Promise<void>;
}

export interface OtlpReceiverOptions {
  host?: string;
  /** 0 (the default) takes a free port. */
  port?: number;
  onSpans?: (spans: ReceivedSpan[]) => void;
}

/**
 * A small OTLP/HTTP trace receiver (`POST /v1/traces`, JSON encoding, optionally gzipped):
 * a stand-in collector for tests and for looking at a trace without Jaeger. Protobuf bodies
 * get 415 naming the fix, since the services' exporter sends JSON.
 */
export async function startOtlpReceiver(opts: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  const received: ReceivedSpan[] = [];
  const server = createServer((req, res) => {
    void handle(req, res).then((spans) => {
      if (!spans) return;
      received.push(...spans);
      opts.onSpans?.(spans);
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    spans: () => [...received],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<ReceivedSpan[] | null> {
  const reply = (status: number, body: object): null => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    return null;
  };
  if (req.url !== '/v1/traces') return reply(404, { message: 'only /v1/traces is received' });
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return reply(405, { message: 'POST an ExportTraceServiceRequest' });
  }
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
    return reply(415, {
      message: 'only OTLP/HTTP JSON is decoded here: set OTEL_EXPORTER_OTLP_PROTOCOL=http/json',
    });
  }
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body = Buffer.concat(chunks);
    if (req.headers['content-encoding'] === 'gzip') body = await promisify(gunzip)(body);
    const spans = flatten(JSON.parse(body.toString('utf8')) as ExportTraceServiceRequest);
    reply(200, {});
    return spans;
  } catch (error) {
    return reply(400, { message: `not an ExportTraceServiceRequest: ${(error as Error).message}` });
  }
}

interface KeyValue {
  key: string;
  value: {
    stringValue?: string;
    intValue?: string | number;
    doubleValue?: number;
    boolValue?: boolean;
  };
}
interface ExportTraceServiceRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind?: number;
        startTimeUnixNano?: string | number;
        endTimeUnixNano?: string | number;
        attributes?: KeyValue[];
      }[];
    }[];
  }[];
}

function flatten(request: ExportTraceServiceRequest): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((rs) => {
    const service = String(attributesOf(rs.resource?.attributes)['service.name'] ?? '');
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((span) => ({
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId ?? '',
        name: span.name,
        kind: span.kind ?? 0,
        service,
        startTimeUnixNano: String(span.startTimeUnixNano ?? 0),
        endTimeUnixNano: String(span.endTimeUnixNano ?? 0),
        attributes: attributesOf(span.attributes),
      })),
    );
  });
}

function attributesOf(list: KeyValue[] = []): Record<string, string | number | boolean> {
  return Object.fromEntries(
    list.map(({ key, value }) => [
      key,
      value.stringValue ??
        value.boolValue ??
        value.doubleValue ??
        (value.intValue === undefined ? '' : Number(value.intValue)),
    ]),
  );
}
