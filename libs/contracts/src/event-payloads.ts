import type { OrderApprovedV1 } from './events/order-approved/order-approved.v1.js';
import type { OrderCancelledV1 } from './events/order-cancelled/order-cancelled.v1.js';
import type {
  OrderCreatedV2,
  OrderItemV2,
  SalesChannelV2,
} from './events/order-created/order-created.v2.js';
import type { OrderRejectedV1 } from './events/order-rejected/order-rejected.v1.js';
import type { PaymentAuthorizedV1 } from './events/payment-authorized/payment-authorized.v1.js';
import type { PaymentRefundedV1 } from './events/payment-refunded/payment-refunded.v1.js';
import type { PaymentRejectedV1 } from './events/payment-rejected/payment-rejected.v1.js';

// The CURRENT version of each payload. Application code names only these aliases, so moving
// an event to v2 is: add the v2 file, point the alias at it, register schema + upcaster in
// the catalogue, add a fixture. Consumers then see every older record upcast to this shape.

export type OrderItem = OrderItemV2;
export type SalesChannel = SalesChannelV2;
export type OrderCreatedPayload = OrderCreatedV2;
export type OrderApprovedPayload = OrderApprovedV1;
export type OrderRejectedPayload = OrderRejectedV1;
export type OrderCancelledPayload = OrderCancelledV1;
export type PaymentAuthorizedPayload = PaymentAuthorizedV1;
export type PaymentRejectedPayload = PaymentRejectedV1;
export type PaymentRefundedPayload = PaymentRefundedV1;

export interface EventPayloads {
  OrderCreated: OrderCreatedPayload;
  OrderApproved: OrderApprovedPayload;
  OrderRejected: OrderRejectedPayload;
  OrderCancelled: OrderCancelledPayload;
  PaymentAuthorized: PaymentAuthorizedPayload;
  PaymentRejected: PaymentRejectedPayload;
  PaymentRefunded: PaymentRefundedPayload;
}

export type EventType = keyof EventPayloads;
