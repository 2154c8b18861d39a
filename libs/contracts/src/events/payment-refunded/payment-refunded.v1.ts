import type { JSONSchemaType } from 'ajv';

// Frozen: published as PaymentRefunded v1. Add a v2 file and an upcaster instead of editing.

export interface PaymentRefundedV1 {
  paymentId: string;
  orderId: string;
  customerId: string;
  /** Integer minor units returned to the customer's available credit. */
  amount: number;
  /** ISO-4217 code. */
  currency: string;
}

export const paymentRefundedV1Schema: JSONSchemaType<PaymentRefundedV1> = {
  type: 'object',
  properties: {
    paymentId: { type: 'string', minLength: 1 },
    orderId: { type: 'string', minLength: 1 },
    customerId: { type: 'string', minLength: 1 },
    amount: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
  },
  required: ['paymentId', 'orderId', 'customerId', 'amount', 'currency'],
  additionalProperties: true,
};
