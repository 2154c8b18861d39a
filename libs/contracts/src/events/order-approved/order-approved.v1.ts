import type { JSONSchemaType } from 'ajv';

// Frozen: published as OrderApproved v1. Add a v2 file and an upcaster instead of editing.

export interface OrderApprovedV1 {
  orderId: string;
  customerId: string;
  /** The authorized payment that approved the order. */
  paymentId: string;
}

export const orderApprovedV1Schema: JSONSchemaType<OrderApprovedV1> = {
  type: 'object',
  properties: {
    orderId: { type: 'string', minLength: 1 },
    customerId: { type: 'string', minLength: 1 },
    paymentId: { type: 'string', minLength: 1 },
  },
  required: ['orderId', 'customerId', 'paymentId'],
  additionalProperties: true,
};
