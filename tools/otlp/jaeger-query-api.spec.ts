import { afterEach, describe, expect, it } from 'vitest';

import { flattenJaegerTrace, type JaegerResponse, type JaegerTrace } from './jaeger-model.js';
import { startJaegerQueryApi, type JaegerQueryApi } from './jaeger-query-api.js';
import type { ReceivedSpan } from './otlp-receiver.js';
import { approvalSagaProblems } from './saga-trace.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
let clock = 1_764_180_000_000_000_000n;
const span = (
  spanId: string,
  parentSpanId: string,
  service: string,
  kind: number,
  name: string,
  attributes: ReceivedSpan['attributes'] = {},
): ReceivedSpan => {
  clock += 1_000_000n;
  return {
    traceId: TRACE,
    spanId,
    parentSpanId,
    name,
    kind,
    service,
    startTimeUnixNano: String(clock),
    endTimeUnixNano: String(clock + 2_500_000n),
    attributes,
  };
};
const event = (type: string) => ({ 'orderlog.event_type': type });

/** An approval saga as the services export it: server, then producer/consumer pairs. */
const saga = (): ReceivedSpan[] => [
  span('a1', '', 'order-service', 2, 'POST /orders', { 'http.response.status_code': 201 }),
  span('a2', 'a1', 'order-service', 4, 'publish OrderCreated', event('OrderCreated')),
  span('b1', 'a2', 'payment-service', 5, 'process OrderCreated', event('OrderCreated')),
  span('b2', 'b1', 'payment-service', 4, 'publish PaymentAuthorized', event('PaymentAuthorized')),
  span('a3', 'b2', 'order-service', 5, 'process PaymentAuthorized', event('PaymentAuthorized')),
  span('a4', 'a3', 'order-service', 4, 'publish OrderApproved', event('OrderApproved')),
  span('c1', 'a4', 'read-model', 5, 'process OrderApproved', event('OrderApproved')),
];

describe('Jaeger query API stand-in', () => {
  let api: JaegerQueryApi | undefined;
  afterEach(() => api?.close());

  const get = async <T>(path: string, spans: ReceivedSpan[]) => {
    api = await startJaegerQueryApi({ host: '127.0.0.1', port: 0, spans: () => spans });
    const res = await fetch(`${api.url}${path}`);
    return { status: res.status, body: (await res.json()) as JaegerResponse<T> };
  };

  it("returns a service's traces whole, in Jaeger's model: CHILD_OF references, processes, span.kind tags, microseconds", async () => {
    const { status, body } = await get<JaegerTrace[]>('/api/traces?service=read-model', saga());
    expect(status).toBe(200);
    expect(body.errors).toBeNull();
    const [trace] = body.data ?? [];
    expect(trace?.spans).toHaveLength(7);
    expect(Object.values(trace!.processes).map((p) => p.serviceName)).toEqual([
      'order-service',
      'payment-service',
      'read-model',
    ]);
    expect(trace!.spans[1]).toMatchObject({
      operationName: 'publish OrderCreated',
      references: [{ refType: 'CHILD_OF', traceID: TRACE, spanID: 'a1' }],
      duration: 2500,
      tags: expect.arrayContaining([{ key: 'span.kind', type: 'string', value: 'producer' }]),
    });
    expect(approvalSagaProblems(flattenJaegerTrace(trace!))).toEqual([]);
  });

  it('finds a broken parent link in the saga', async () => {
    const spans = saga();
    spans[4] = { ...spans[4]!, parentSpanId: 'a2' };
    const { body } = await get<JaegerTrace[]>('/api/traces?service=order-service', spans);
    expect(approvalSagaProblems(flattenJaegerTrace(body.data![0]!))).toEqual([
      "order-service consumer PaymentAuthorized's parent is a2, not publish PaymentAuthorized",
    ]);
  });

  it('filters by operation and answers 400 without a service, as Jaeger does', async () => {
    const none = await get<JaegerTrace[]>(
      '/api/traces?service=order-service&operation=GET%20/x',
      saga(),
    );
    expect(none.body.data).toEqual([]);
    await api?.close();
    const missing = await get('/api/traces', saga());
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([{ code: 400, msg: "parameter 'service' is required" }]);
  });

  it('lists the services that sent spans', async () => {
    const { body } = await get<string[]>('/api/services', saga());
    expect(body.data).toEqual(['order-service', 'payment-service', 'read-model']);
  });
});
