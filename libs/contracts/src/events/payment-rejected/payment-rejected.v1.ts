import type { JSONSchemaType } from 'ajv';

// Frozen: published as PaymentRejected v1. Add a v2 file and an upcaster instead of editing.

export interface PaymentRejectedV1 {
  paymentId: string;
  orderId: string;
  customerId: string;
  /** Integer minor units that were asked for. */
  amount: number;
  /** ISO-4217 code. */
  currency: string;
  /** e.g. 'INSUFFICIENT_CREDIT' or 'CURRENCY_MISMATCH'; consumers must accept other values. */
  reason: string;
}

export const paymentRejectedV1Schema: JSONSchemaType<PaymentRejectedV1> = {
  type: 'object',
  properties: {
    paymentId: { type: 'string', minLength: 1 },
    orderId: { type: 'string', minLength: 1 },
    customerId: { type: 'string', minLength: 1 },
    amount: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    reason: { type: 'string', minLength: 1 },
  },
  required: ['paymentId', 'orderId', 'customerId', 'amount', 'currency', 'reason'],
  additionalProperties: true,
};
