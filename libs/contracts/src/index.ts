export * from './topics.js';
export * from './topology.js';
export * from './acts-on.js';
export type { EventStream } from './event-types.js';
export type { EventEnvelope } from './envelope.js';
export { unhandled, type DomainEvent, type EventOf } from './domain-event.js';
export { HEADERS } from './headers.js';
export type {
  EventPayloads,
  EventType,
  OrderApprovedPayload,
  OrderCancelledPayload,
  OrderCreatedPayload,
  OrderItem,
  OrderRejectedPayload,
  PaymentAuthorizedPayload,
  PaymentRefundedPayload,
  PaymentRejectedPayload,
  SalesChannel,
} from './event-payloads.js';
export {
  ORDER_EVENT_TYPES,
  PAYMENT_EVENT_TYPES,
  currentVersionOf,
  isEventType,
  streamOf,
  topicOf,
} from './event-types.js';
export { publishedSchemas, schemaOf } from './published-schemas.js';
export type { DeadLetterReason } from './dead-letter-reason.js';
export { ContractViolationError } from './contract-violation.error.js';
export { decodeEvent } from './decode-event.js';
export type { DecodeResult } from './decode-result.js';
export { encodeEvent } from './encode-event.js';
export { validateEnvelope } from './validate-envelope.js';
export type { Catalogue } from './catalogue.js';
export { compatibilityProblems, publishableSchemas, type ContractFiles } from './compatibility.js';
export { readContractFiles } from './contract-files.js';
export { canonicalJson } from './canonical-json.js';
export { asyncApiDocument } from './asyncapi.js';
