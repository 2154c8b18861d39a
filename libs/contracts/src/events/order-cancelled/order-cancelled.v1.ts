import type { JSONSchemaType } from 'ajv';

// Frozen: published as OrderCancelled v1. Add a v2 file and an upcaster instead of editing.

export interface OrderCancelledV1 {
  orderId: string;
  customerId: string;
  /** Free text from the client, null when none was given. */
  reason: string | null;
}

export const orderCancelledV1Schema: JSONSchemaType<OrderCancelledV1> = {
  type: 'object',
  properties: {
    orderId: { type: 'string', minLength: 1 },
    customerId: { type: 'string', minLength: 1 },
    // ajv's JSONSchemaType models `nullable` only for optional keys; this one is required
    // and may be null, so it is written in standard JSON Schema and the type check waived.
    reason: { type: ['string', 'null'] } as never,
  },
  required: ['orderId', 'customerId', 'reason'],
  additionalProperties: true,
};
