import { randomUUID } from 'node:crypto';

import { expect } from 'vitest';

import type { Order, PlaceOrderBody, SystemApi } from './api.js';

/** The credit every customer starts with (payment-service's default, EUR minor units). */
export const DEFAULT_CREDIT = 100_000;

/** A customer no other test (or earlier run) has used. */
export const newCustomerId = (): string => `c-${randomUUID()}`;

/** An EUR order worth `total` minor units: two units of one SKU when it divides evenly. */
export function orderBody(customerId: string, total: number): PlaceOrderBody {
  const items =
    total % 2 === 0
      ? [{ sku: 'SKU-2', quantity: 2, unitPrice: total / 2 }]
      : [{ sku: 'SKU-1', quantity: 1, unitPrice: total }];
  return { customerId, currency: 'EUR', items };
}

/** Places an order and expects 201. */
export async function placeOrder(
  api: SystemApi,
  customerId: string,
  total: number,
  headers?: Record<string, string>,
): Promise<Order> {
  const response = await api.placeOrder(orderBody(customerId, total), { headers });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}
