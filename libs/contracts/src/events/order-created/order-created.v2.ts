import type { JSONSchemaType } from 'ajv';

// Frozen: published as OrderCreated v2. Change nothing here; add order-created.v3.ts and an
// upcaster instead. v2 = v1 plus `salesChannel` (required). The literals repeat v1's on
// purpose: no fragment is shared, so editing one version can never change another.

/** Where the order was placed. 'unknown' marks orders recorded before v2 (see the upcaster). */
export type SalesChannelV2 = 'web' | 'mobile' | 'api' | 'unknown';

export interface OrderItemV2 {
  sku: string;
  quantity: number;
  /** Integer minor units of the order's currency. */
  unitPrice: number;
}

export interface OrderCreatedV2 {
  orderId: string;
  customerId: string;
  /** ISO-4217 code. */
  currency: string;
  items: OrderItemV2[];
  /** Integer minor units: sum of quantity * unitPrice. */
  total: number;
  salesChannel: SalesChannelV2;
}

export const orderCreatedV2Schema: JSONSchemaType<OrderCreatedV2> = {
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
    salesChannel: { type: 'string', enum: ['web', 'mobile', 'api', 'unknown'] },
  },
  required: ['orderId', 'customerId', 'currency', 'items', 'total', 'salesChannel'],
  additionalProperties: true,
};
