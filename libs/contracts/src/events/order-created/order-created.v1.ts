import type { JSONSchemaType } from 'ajv';

// Frozen: published as OrderCreated v1. Change nothing here; add order-created.v2.ts and an
// upcaster instead. Schemas repeat their literals rather than share fragments so that
// editing one shared piece can never silently change a published version.

export interface OrderItemV1 {
  sku: string;
  quantity: number;
  /** Integer minor units of the order's currency. */
  unitPrice: number;
}

export interface OrderCreatedV1 {
  orderId: string;
  customerId: string;
  /** ISO-4217 code. */
  currency: string;
  items: OrderItemV1[];
  /** Integer minor units: sum of quantity * unitPrice. */
  total: number;
}

export const orderCreatedV1Schema: JSONSchemaType<OrderCreatedV1> = {
  type: 'object',
  properties: {
    orderId: { type: 'string', minLength: 1 },
    customerId: { type: 'string', minLength: 1 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    items: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: {
          sku: { type: 'string', minLength: 1 },
          quantity: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
          unitPrice: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
        },
        required: ['sku', 'quantity', 'unitPrice'],
        additionalProperties: true,
      },
    },
    total: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  },
  required: ['orderId', 'customerId', 'currency', 'items', 'total'],
  additionalProperties: true,
};
