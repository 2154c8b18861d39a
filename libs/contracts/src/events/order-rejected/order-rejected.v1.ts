import type { JSONSchemaType } from 'ajv';

// Frozen: published as OrderRejected v1. Add a v2 file and an upcaster instead of editing.

export interface OrderRejectedV1 {
  orderId: string;
  customerId: string;
  /** Why payment was refused, e.g. 'INSUFFICIENT_CREDIT'. */
  reason: string;
}

export const orderRejectedV1Schema: JSONSchemaType<OrderRejectedV1> = {
  type: 'object',
  properties: {
    orderId: { type: 'string', minLength: 1 },
    customerId: { type: 'string', minLength: 1 },
    reason: { type: 'string', minLength: 1 },
  },
  required: ['orderId', 'customerId', 'reason'],
  additionalProperties: true,
};
