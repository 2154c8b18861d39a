/**
 * Kafka header names. They repeat envelope fields so that tools (kcat, DLQ browsers) and the
 * consumer runtime can route or skip a record without parsing its value.
 */
export const HEADERS = {
  eventType: 'event-type',
  schemaVersion: 'schema-version',
  eventId: 'event-id',
  traceparent: 'traceparent',
  correlationId: 'correlation-id',
} as const;
