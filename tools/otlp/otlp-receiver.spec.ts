import { gzipSync } from 'node:zlib';

import { afterEach, describe, expect, it } from 'vitest';

import { startOtlpReceiver, type OtlpReceiver } from './otlp-receiver.js';

const request = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'order-service' } }] },
      scopeSpans: [
        {
          spans: [
            {
              traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
              spanId: '00f067aa0ba902b7',
              parentSpanId: '',
              name: 'POST /orders',
              kind: 2,
              startTimeUnixNano: '1764180000000000000',
              endTimeUnixNano: '1764180000012500000',
              attributes: [
                { key: 'http.response.status_code', value: { intValue: '201' } },
                { key: 'url.path', value: { stringValue: '/orders' } },
              ],
            },
          ],
        },
      ],
    },
  ],
};

describe('OTLP receiver', () => {
  let receiver: OtlpReceiver | undefined;
  afterEach(() => receiver?.close());

  const post = (body: string | Buffer, headers: Record<string, string>) =>
    fetch(`${receiver!.endpoint}/v1/traces`, { method: 'POST', body, headers });

  it('flattens an OTLP/HTTP JSON export into spans with their service name', async () => {
    receiver = await startOtlpReceiver();
    const response = await post(gzipSync(JSON.stringify(request)), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(response.status).toBe(200);
    expect(receiver.spans()).toEqual([
      {
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        parentSpanId: '',
        name: 'POST /orders',
        kind: 2,
        service: 'order-service',
        startTimeUnixNano: '1764180000000000000',
        endTimeUnixNano: '1764180000012500000',
        attributes: { 'http.response.status_code': 201, 'url.path': '/orders' },
      },
    ]);
  });

  it('answers protobuf with 415 naming the JSON protocol, and other methods with 405', async () => {
    receiver = await startOtlpReceiver();
    const protobuf = await post(Buffer.from([0x0a]), { 'content-type': 'application/x-protobuf' });
    expect(protobuf.status).toBe(415);
    expect(await protobuf.text()).toContain('OTEL_EXPORTER_OTLP_PROTOCOL=http/json');
    const get = await fetch(`${receiver.endpoint}/v1/traces`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(receiver.spans()).toEqual([]);
  });
});
