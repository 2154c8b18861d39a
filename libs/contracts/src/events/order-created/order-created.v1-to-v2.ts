import { defineUpcaster } from '../../upcaster.js';
import type { OrderCreatedV1 } from './order-created.v1.js';
import type { OrderCreatedV2 } from './order-created.v2.js';

/**
 * OrderCreated v1 -> v2. A v1 order was recorded before the channel was captured, so it is
 * 'unknown', never a guess such as 'web'. The channel is always overwritten: a v1 record that
 * happened to carry an extra `salesChannel` field did not carry it under the v2 meaning.
 * Every other field, unknown extras included, passes through unchanged.
 */
export const orderCreatedV1ToV2 = defineUpcaster(1, (payload: OrderCreatedV1): OrderCreatedV2 => ({
  ...payload,
  salesChannel: 'unknown',
}));
