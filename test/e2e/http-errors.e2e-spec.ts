import { randomUUID } from 'node:crypto';
import { request } from 'node:http';

import { describe, expect, it } from 'vitest';

import { ADMIN_TOKEN } from '../support/api.js';
import { e2eStack } from '../support/e2e-stack.js';
import { http } from '../support/http.js';
import { orderBody } from '../support/orders.js';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  fields?: { field: string; problems: string[] }[];
}

/** TRACE through node:http: fetch refuses to send it. */
function trace(url: string): Promise<{ status: number; allow?: string; body: ErrorBody }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'TRACE' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          allow: res.headers.allow,
          body: JSON.parse(text) as ErrorBody,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** Client mistakes get the documented status and the documented JSON error body. */
describe('HTTP errors', () => {
  const stack = e2eStack();
  const orders = (): string => stack.url('order-service');

  const expectErrorBody = (body: ErrorBody, status: number): void => {
    expect(body).toMatchObject({ statusCode: status });
    expect(typeof body.error).toBe('string');
    expect(typeof body.message).toBe('string');
  };

  describe('when a method is not one the path answers', () => {
    it('answers 405 with Allow listing the methods that path does answer', async () => {
      const traced = await trace(`${stack.url('read-model')}/health/ready`);
      expect(traced.status).toBe(405);
      expect(traced.allow).toBe('GET, HEAD');
      expectErrorBody(traced.body, 405);

      const remove = await http<ErrorBody>('DELETE', `${orders()}/orders/${randomUUID()}`);
      expect(remove.status).toBe(405);
      expect(remove.headers.get('allow')).toBe('GET, HEAD');

      const get = await http<ErrorBody>('GET', `${orders()}/orders`);
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST');
    });

    it('lets a concrete path win over a template: GET on the redrive path is not GET /{id}', async () => {
      const put = await http<ErrorBody>(
        'PUT',
        `${stack.url('payment-service')}/admin/dead-letters/redrive`,
        { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
      );
      expect(put.status).toBe(405);
      expect(put.headers.get('allow')).toBe('POST');
    });

    it('still answers 404 for a path nothing serves', async () => {
      const response = await trace(`${orders()}/no-such-thing`);
      expect(response.status).toBe(404);
      expectErrorBody(response.body, 404);
    });
  });

  describe('when a request breaks what the OpenAPI document says', () => {
    const valid = orderBody(`c-${randomUUID()}`, 1_000);

    it.each([
      ['a null optional property', { ...valid, salesChannel: null }, 'salesChannel'],
      ['a NUL character in text', { ...valid, customerId: 'c-\u0000' }, 'customerId'],
      ['no items', { ...valid, items: [] }, 'items'],
      [
        'a unit price whose totals could pass 2^53',
        {
          ...valid,
          items: [{ sku: 'SKU-1', quantity: 1, unitPrice: 90_071_993 }],
        },
        'items.0.unitPrice',
      ],
    ])('refuses %s with 400 naming the field', async (_what, body, field) => {
      const response = await http<ErrorBody>('POST', `${orders()}/orders`, { json: body });
      expect(response.status).toBe(400);
      expectErrorBody(response.body, 400);
      expect(response.body.fields?.map((f) => f.field)).toContain(field);
    });

    it('refuses an admin call without the bearer token with a 401 body', async () => {
      const response = await http<ErrorBody>('GET', `${orders()}/admin/dead-letters`);
      expect(response.status).toBe(401);
      expectErrorBody(response.body, 401);
    });
  });
});
