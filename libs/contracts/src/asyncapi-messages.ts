import type { SchemaObject } from 'ajv';
import { HEADERS } from './headers.js';

// The pieces of the AsyncAPI document that describe one record on the wire: a Kafka key, the
// headers and a JSON value that is the whole envelope (not the bare payload).

const KAFKA_BINDING_VERSION = '0.5.0';

export const messageIdOf = (eventType: string, version: number): string =>
  `${eventType}V${version}`;
export const payloadSchemaIdOf = (eventType: string, version: number): string =>
  `${messageIdOf(eventType, version)}Payload`;
const ref = (path: string): { $ref: string } => ({ $ref: `#/components/${path}` });

/** The headers every record carries; traceparent only when the causing request had one. */
export const eventHeadersSchema: SchemaObject = {
  type: 'object',
  properties: {
    [HEADERS.eventType]: { type: 'string', description: 'The envelope eventType.' },
    [HEADERS.schemaVersion]: {
      type: 'string',
      pattern: '^[1-9][0-9]*$',
      description: 'The envelope schemaVersion, in decimal.',
    },
    [HEADERS.eventId]: { type: 'string', format: 'uuid', description: 'The envelope eventId.' },
    [HEADERS.correlationId]: { type: 'string', description: 'The envelope correlationId.' },
    [HEADERS.traceparent]: {
      type: 'string',
      pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$',
      description: 'W3C Trace Context of the request or event that caused this one.',
    },
  },
  required: [HEADERS.eventType, HEADERS.schemaVersion, HEADERS.eventId],
  additionalProperties: true,
};

/** One message per event type and version: the envelope, narrowed to that type and version. */
export function eventMessage(eventType: string, version: number, current: number): object {
  const summary =
    version === current
      ? 'The current version: what producers write.'
      : `Superseded by v${current}: no longer written, but consumers read it (upcast to v${current}).`;
  return {
    name: eventType,
    title: `${eventType} v${version}`,
    summary,
    contentType: 'application/json',
    headers: {
      allOf: [
        ref('schemas/EventHeaders'),
        {
          type: 'object',
          properties: {
            [HEADERS.eventType]: { const: eventType },
            [HEADERS.schemaVersion]: { const: String(version) },
          },
        },
      ],
    },
    payload: {
      allOf: [
        ref('schemas/EventEnvelope'),
        {
          type: 'object',
          properties: {
            eventType: { const: eventType },
            schemaVersion: { const: version },
            payload: ref(`schemas/${payloadSchemaIdOf(eventType, version)}`),
          },
        },
      ],
    },
    bindings: {
      kafka: {
        key: {
          type: 'string',
          minLength: 1,
          description: 'The orderId (= envelope aggregateId): one order, one partition.',
        },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
  };
}

export { KAFKA_BINDING_VERSION };
