import { describe, expect, it } from 'vitest';
import { decodeEvent } from './decode-event.js';
import type { DecodeResult } from './decode-result.js';
import { encodeEvent } from './encode-event.js';
import type { EventEnvelope } from './envelope.js';
import { fixtureEnvelope, type LooseEnvelope } from './test/golden-fixtures.js';

const bytesOf = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');
const reasonOf = (result: DecodeResult): string => (result.ok ? 'ok' : result.reason);

/** An OrderCreated envelope with `change` applied to a fresh copy. */
function orderCreated(change: (envelope: LooseEnvelope) => void = () => {}): Buffer {
  const envelope = fixtureEnvelope('OrderCreated');
  change(envelope);
  return bytesOf(envelope);
}
const firstItem = (e: LooseEnvelope): Record<string, unknown> =>
  (e.payload['items'] as Record<string, unknown>[])[0] ?? {};

describe('decodeEvent', () => {
  describe('dead-letters as malformed-bytes', () => {
    it.each([
      ['a record without a value (tombstone)', null],
      ['bytes that are not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
      ['UTF-8 text that is not JSON', Buffer.from('{"eventId": ', 'utf8')],
      ['an empty value', Buffer.alloc(0)],
    ])('%s', (_, value) => {
      expect(reasonOf(decodeEvent(value))).toBe('malformed-bytes');
    });
  });

  describe('dead-letters as not-an-envelope', () => {
    it.each([
      ['a JSON array', bytesOf([1, 2])],
      ['a JSON string', bytesOf('OrderCreated')],
      ['JSON null', bytesOf(null)],
      ['a missing eventId', orderCreated((e) => delete e['eventId'])],
      ['an eventId that is not a UUID', orderCreated((e) => (e['eventId'] = 'evt-1'))],
      ['a fractional schemaVersion', orderCreated((e) => (e['schemaVersion'] = 1.5))],
      ['schemaVersion 0', orderCreated((e) => (e['schemaVersion'] = 0))],
      ['sequence 0', orderCreated((e) => (e['sequence'] = 0))],
      ['a sequence given as a string', orderCreated((e) => (e['sequence'] = '1'))],
      ['an empty aggregateId', orderCreated((e) => (e['aggregateId'] = ''))],
      ['occurredAt that is not a date-time', orderCreated((e) => (e['occurredAt'] = 'yesterday'))],
      ['a numeric causationId', orderCreated((e) => (e['causationId'] = 7))],
      ['a missing causationId', orderCreated((e) => delete e['causationId'])],
      [
        'a payload that is not an object',
        orderCreated((e) => ((e as Record<string, unknown>)['payload'] = 'x')),
      ],
    ])('%s', (_, value) => {
      expect(reasonOf(decodeEvent(value))).toBe('not-an-envelope');
    });
  });

  describe('dead-letters as unknown-event-type', () => {
    it.each(['OrderShipped', 'orderCreated', 'toString', '__proto__', ''])('"%s"', (eventType) => {
      expect(reasonOf(decodeEvent(orderCreated((e) => (e['eventType'] = eventType))))).toBe(
        'unknown-event-type',
      );
    });
  });

  it('dead-letters a version newer than this code knows as unsupported-version', () => {
    const result = decodeEvent(orderCreated((e) => (e['schemaVersion'] = 3)));
    expect(result).toEqual({
      ok: false,
      reason: 'unsupported-version',
      detail: expect.stringContaining('v3'),
    });
  });

  describe('dead-letters as schema-violation', () => {
    it.each([
      ['a quantity given as a string ("2")', orderCreated((e) => (firstItem(e)['quantity'] = '2'))],
      ['a quantity of 0', orderCreated((e) => (firstItem(e)['quantity'] = 0))],
      ['a fractional unitPrice', orderCreated((e) => (firstItem(e)['unitPrice'] = 12.5))],
      ['a negative total', orderCreated((e) => (e.payload['total'] = -1))],
      ['a total beyond the safe integers', orderCreated((e) => (e.payload['total'] = 2 ** 53))],
      ['a lower-case currency', orderCreated((e) => (e.payload['currency'] = 'eur'))],
      ['a missing total', orderCreated((e) => delete e.payload['total'])],
      ['no items', orderCreated((e) => (e.payload['items'] = []))],
      ['a payload about another order', orderCreated((e) => (e.payload['orderId'] = 'other'))],
    ])('%s', (_, value) => {
      expect(reasonOf(decodeEvent(value))).toBe('schema-violation');
    });

    it('names the offending field', () => {
      const result = decodeEvent(orderCreated((e) => (firstItem(e)['quantity'] = '2')));
      expect(result.ok ? '' : result.detail).toContain('/items/0/quantity must be integer');
    });
  });

  it('ignores unknown extra fields in the envelope, the payload and its items', () => {
    const result = decodeEvent(
      orderCreated((e) => {
        e['tenant'] = 'acme';
        e.payload['giftWrap'] = true;
        firstItem(e)['colour'] = 'red';
      }),
    );
    expect(result.ok).toBe(true);
  });

  it('round-trips what encodeEvent wrote', () => {
    const envelope = fixtureEnvelope('OrderCancelled') as unknown as EventEnvelope;
    expect(decodeEvent(encodeEvent(envelope))).toEqual({ ok: true, envelope, originalVersion: 1 });
  });

  it('never throws, whatever the bytes', () => {
    let seed = 42;
    const nextByte = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % 256;
    for (let run = 0; run < 200; run += 1) {
      const bytes = Buffer.from(Array.from({ length: run % 40 }, nextByte));
      expect(decodeEvent(bytes).ok).toBe(false);
    }
  });
});
