import { describe, expect, it } from 'vitest';

import {
  currentVersionOf,
  isEventType,
  ORDER_EVENT_TYPES,
  PAYMENT_EVENT_TYPES,
  topicOf,
} from './event-types.js';
import { publishedSchemas, schemaOf } from './published-schemas.js';
import { ORDER_EVENTS_TOPIC, PAYMENT_EVENTS_TOPIC } from './topology.js';

describe('The event catalogue', () => {
  it('puts the four order events on order.events', () => {
    expect(ORDER_EVENT_TYPES).toEqual([
      'OrderCreated',
      'OrderApproved',
      'OrderRejected',
      'OrderCancelled',
    ]);
    expect(ORDER_EVENT_TYPES.map(topicOf)).toEqual(Array(4).fill(ORDER_EVENTS_TOPIC));
  });

  it('puts the three payment events on payment.events', () => {
    expect(PAYMENT_EVENT_TYPES).toEqual([
      'PaymentAuthorized',
      'PaymentRejected',
      'PaymentRefunded',
    ]);
    expect(PAYMENT_EVENT_TYPES.map(topicOf)).toEqual(Array(3).fill(PAYMENT_EVENTS_TOPIC));
  });

  it('knows OrderCreated at version 2 and every other event at version 1', () => {
    expect([...ORDER_EVENT_TYPES, ...PAYMENT_EVENT_TYPES].map(currentVersionOf)).toEqual([
      2, 1, 1, 1, 1, 1, 1,
    ]);
  });

  it('does not take inherited property names for event types', () => {
    expect(isEventType('OrderCreated')).toBe(true);
    expect(isEventType('toString')).toBe(false);
    expect(isEventType('constructor')).toBe(false);
  });

  it('gives the schema of a published version and nothing for others', () => {
    expect(schemaOf('OrderCreated', 1)).toMatchObject({
      required: expect.arrayContaining(['total']),
    });
    expect(schemaOf('OrderCreated', 2)).toMatchObject({
      required: expect.arrayContaining(['salesChannel']),
    });
    expect(schemaOf('OrderCreated', 3)).toBeUndefined();
    expect(schemaOf('OrderCreated', 0)).toBeUndefined();
  });

  it('lists every published schema under "EventType/vN"', () => {
    const all = publishedSchemas();
    expect(Object.keys(all).sort()).toEqual(
      [...ORDER_EVENT_TYPES, ...PAYMENT_EVENT_TYPES]
        .map((type) => `${type}/v1`)
        .concat('OrderCreated/v2')
        .sort(),
    );
    expect(all['PaymentRejected/v1']).toBe(schemaOf('PaymentRejected', 1));
  });
});
