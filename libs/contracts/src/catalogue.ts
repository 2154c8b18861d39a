import type { SchemaObject } from 'ajv';
import type { EventType } from './event-payloads.js';
import { orderApprovedV1Schema } from './events/order-approved/order-approved.v1.js';
import { orderCancelledV1Schema } from './events/order-cancelled/order-cancelled.v1.js';
import { orderCreatedV1Schema } from './events/order-created/order-created.v1.js';
import { orderCreatedV1ToV2 } from './events/order-created/order-created.v1-to-v2.js';
import { orderCreatedV2Schema } from './events/order-created/order-created.v2.js';
import { orderRejectedV1Schema } from './events/order-rejected/order-rejected.v1.js';
import { paymentAuthorizedV1Schema } from './events/payment-authorized/payment-authorized.v1.js';
import { paymentRefundedV1Schema } from './events/payment-refunded/payment-refunded.v1.js';
import { paymentRejectedV1Schema } from './events/payment-rejected/payment-rejected.v1.js';
import { ORDER_EVENTS_TOPIC, PAYMENT_EVENTS_TOPIC } from './topics.js';
import type { Upcaster } from './upcaster.js';

export interface EventDefinition {
  readonly topic: string;
  readonly currentVersion: number;
  /** `schemas[v - 1]` is the payload schema of version v. Published entries never change. */
  readonly schemas: readonly SchemaObject[];
  /** `upcasters[v - 1]` turns version v into v + 1, so there are `currentVersion - 1`. */
  readonly upcasters: readonly Upcaster[];
}

/** Event definitions by type: the real CATALOGUE, or a made-up one in a test. */
export type Catalogue = Readonly<Record<string, EventDefinition>>;

/**
 * Everything this code knows about each event type. A new version is one more schema, one
 * more upcaster, a higher `currentVersion` and a fixture; nothing else changes here.
 */
export const CATALOGUE: { readonly [T in EventType]: EventDefinition } = {
  OrderCreated: {
    topic: ORDER_EVENTS_TOPIC,
    currentVersion: 2,
    schemas: [orderCreatedV1Schema, orderCreatedV2Schema],
    upcasters: [orderCreatedV1ToV2],
  },
  OrderApproved: {
    topic: ORDER_EVENTS_TOPIC,
    currentVersion: 1,
    schemas: [orderApprovedV1Schema],
    upcasters: [],
  },
  OrderRejected: {
    topic: ORDER_EVENTS_TOPIC,
    currentVersion: 1,
    schemas: [orderRejectedV1Schema],
    upcasters: [],
  },
  OrderCancelled: {
    topic: ORDER_EVENTS_TOPIC,
    currentVersion: 1,
    schemas: [orderCancelledV1Schema],
    upcasters: [],
  },
  PaymentAuthorized: {
    topic: PAYMENT_EVENTS_TOPIC,
    currentVersion: 1,
    schemas: [paymentAuthorizedV1Schema],
    upcasters: [],
  },
  PaymentRejected: {
    topic: PAYMENT_EVENTS_TOPIC,
    currentVersion: 1,
    schemas: [paymentRejectedV1Schema],
    upcasters: [],
  },
  PaymentRefunded: {
    topic: PAYMENT_EVENTS_TOPIC,
    currentVersion: 1,
    schemas: [paymentRefundedV1Schema],
    upcasters: [],
  },
};
