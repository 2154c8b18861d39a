import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { toJaegerTraces, type JaegerResponse, type JaegerTrace } from './jaeger-model.js';
import type { ReceivedSpan } from './otlp-receiver.js';

export interface JaegerQueryApi {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The part of Jaeger's HTTP query API (port 16686) the compose test reads, over the spans an
 * OTLP receiver holds: `GET /api/services`, `GET /api/traces?service=&operation=&limit=`
 * (whole traces that hold a span of that service, newest first, default limit 20) and
 * `GET /api/traces/{traceID}`, each in Jaeger's `{data, total, limit, offset, errors}`
 * envelope. Not the UI: the official image serves that.
 */
export async function startJaegerQueryApi(opts: {
  host: string;
  port: number;
  spans: () => ReceivedSpan[];
}): Promise<JaegerQueryApi> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET') return reply(res, 405, null, 'only GET is served');
    if (url.pathname === '/api/services') {
      const services = [...new Set(opts.spans().map((s) => s.service))].sort();
      return reply(res, 200, services);
    }
    const one = /^\/api\/traces\/([0-9a-f]+)$/.exec(url.pathname);
    if (one) {
      const found = toJaegerTraces(opts.spans()).find((t) => t.traceID === one[1]);
      return found ? reply(res, 200, [found]) : reply(res, 404, null, 'trace not found');
    }
    if (url.pathname === '/api/traces') {
      const service = url.searchParams.get('service');
      if (!service) return reply(res, 400, null, "parameter 'service' is required");
      const operation = url.searchParams.get('operation');
      const limit = Number(url.searchParams.get('limit') ?? 20) || 20;
      const traces = toJaegerTraces(opts.spans()).filter((trace) =>
        trace.spans.some(
          (span) =>
            trace.processes[span.processID]?.serviceName === service &&
            (!operation || span.operationName === operation),
        ),
      );
      return reply(res, 200, traces.slice(0, limit));
    }
    return reply(res, 404, null, `${url.pathname} is not part of the served query API`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function reply(
  res: ServerResponse,
  status: number,
  data: JaegerTrace[] | string[] | null,
  error?: string,
): void {
  const body: JaegerResponse<unknown> = {
    data,
    total: data?.length ?? 0,
    limit: 0,
    offset: 0,
    errors: error ? [{ code: status, msg: error }] : null,
  };
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
