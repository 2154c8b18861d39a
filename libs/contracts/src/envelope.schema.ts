import type { SchemaObject } from 'ajv';

/**
 * The envelope is not versioned by `schemaVersion` (that versions the payload), so it may only
 * ever grow optional fields. Unknown fields are allowed so that a newer producer never breaks
 * an older consumer.
 */
export const envelopeSchema: SchemaObject = {
  type: 'object',
  properties: {
    eventId: { type: 'string', format: 'uuid' },
    eventType: { type: 'string' },
    schemaVersion: { type: 'integer', minimum: 1 },
    aggregateId: { type: 'string', minLength: 1 },
    sequence: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
    occurredAt: { type: 'string', format: 'date-time' },
    correlationId: { type: 'string' },
    causationId: { type: ['string', 'null'] },
    payload: { type: 'object' },
  },
  required: [
    'eventId',
    'eventType',
    'schemaVersion',
    'aggregateId',
    'sequence',
    'occurredAt',
    'correlationId',
    'causationId',
    'payload',
  ],
  additionalProperties: true,
};
