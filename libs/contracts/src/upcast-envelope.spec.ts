import type { SchemaObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import type { EventDefinition } from './catalogue.js';
import type { EventEnvelope } from './envelope.js';
import { fixtureEnvelope } from './test/golden-fixtures.js';
import { upcastEnvelope } from './upcast-envelope.js';
import { defineUpcaster, type Upcaster } from './upcaster.js';
import { ORDER_EVENTS_TOPIC } from './topology.js';

// A made-up OrderCreated history: v2 split `total` into `net` and `tax`.
const v2: SchemaObject = {
  type: 'object',
  properties: { net: { type: 'integer' }, tax: { type: 'integer' } },
  required: ['net', 'tax'],
  additionalProperties: true,
};
const withUpcaster = (upcaster: Upcaster): EventDefinition => ({
  topic: ORDER_EVENTS_TOPIC,
  currentVersion: 2,
  schemas: [{ type: 'object' }, v2],
  upcasters: [upcaster],
});
const splitTotal = defineUpcaster(1, (p: { total: number }) => ({ ...p, net: p.total, tax: 0 }));
const v1Envelope = (): EventEnvelope => fixtureEnvelope('OrderCreated') as unknown as EventEnvelope;

describe('upcastEnvelope', () => {
  it('keeps an envelope that already has the current version (v1 -> v1)', () => {
    const envelope = v1Envelope();
    const definition = { ...withUpcaster(splitTotal), currentVersion: 1 };
    expect(upcastEnvelope(envelope, definition)).toEqual({
      ok: true,
      envelope,
      originalVersion: 1,
    });
  });

  it('lifts an old payload to the current version and says where it came from', () => {
    const result = upcastEnvelope(v1Envelope(), withUpcaster(splitTotal));
    if (!result.ok) throw new Error(result.detail);
    expect(result.originalVersion).toBe(1);
    expect(result.envelope.schemaVersion).toBe(2);
    expect(result.envelope.payload).toMatchObject({ net: 2999, tax: 0 });
    expect(result.envelope.eventId).toBe(v1Envelope().eventId);
  });

  it('dead-letters the record when the upcaster yields an invalid payload', () => {
    const broken = defineUpcaster(1, (p: { total: number }) => ({ net: p.total }));
    expect(upcastEnvelope(v1Envelope(), withUpcaster(broken))).toMatchObject({
      ok: false,
      reason: 'schema-violation',
    });
  });

  it('dead-letters the record when the upcaster throws, instead of throwing', () => {
    const throwing = defineUpcaster(1, () => {
      throw new Error('boom');
    });
    expect(upcastEnvelope(v1Envelope(), withUpcaster(throwing))).toEqual({
      ok: false,
      reason: 'schema-violation',
      detail: 'OrderCreated v1 -> v2: boom',
    });
  });
});
