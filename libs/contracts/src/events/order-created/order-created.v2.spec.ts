import { describe, expect, it } from 'vitest';
import { decodeEvent } from '../../decode-event.js';
import type { DecodeResult } from '../../decode-result.js';
import { currentVersionOf } from '../../event-types.js';
import { fixtureEnvelope, type LooseEnvelope } from '../../test/golden-fixtures.js';
import { upcast } from '../../upcaster.js';
import { validateEnvelope } from '../../validate-envelope.js';
import type { OrderCreatedV1 } from './order-created.v1.js';
import { orderCreatedV1ToV2 } from './order-created.v1-to-v2.js';

const bytesOf = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');
const decoded = (envelope: LooseEnvelope): DecodeResult => decodeEvent(bytesOf(envelope));
const reasonOf = (result: DecodeResult): string => (result.ok ? 'ok' : result.reason);
const v1 = (): LooseEnvelope => fixtureEnvelope('OrderCreated', 1);
const v2 = (): LooseEnvelope => fixtureEnvelope('OrderCreated', 2);

describe('OrderCreated v2 (adds salesChannel)', () => {
  it('is the current version', () => {
    expect(currentVersionOf('OrderCreated')).toBe(2);
  });

  describe('given the v1 golden fixture', () => {
    it('decodes it to a v2 envelope whose salesChannel is "unknown"', () => {
      const result = decoded(v1());
      if (!result.ok) throw new Error(`${result.reason}: ${result.detail}`);
      expect(result.originalVersion).toBe(1);
      expect(result.envelope.schemaVersion).toBe(2);
      expect(result.envelope.payload).toEqual({ ...v1().payload, salesChannel: 'unknown' });
    });

    it('keeps every other envelope field as it was', () => {
      const result = decoded(v1());
      if (!result.ok) throw new Error(result.detail);
      const { schemaVersion: _was, payload: _old, ...rest } = v1();
      expect(result.envelope).toMatchObject(rest);
    });

    it('still decodes a v1 record carrying unknown extra fields, keeping them', () => {
      const envelope = v1();
      envelope['tenant'] = 'acme';
      envelope.payload['giftWrap'] = true;
      const result = decoded(envelope);
      if (!result.ok) throw new Error(result.detail);
      expect(result.envelope.payload).toMatchObject({ giftWrap: true, salesChannel: 'unknown' });
    });
  });

  describe('the v1 -> v2 upcaster', () => {
    const payload = v1().payload as unknown as OrderCreatedV1;

    it('keeps every v1 field unchanged and only adds salesChannel', () => {
      const lifted = upcast(structuredClone(payload), 1, 2, [orderCreatedV1ToV2]);
      expect(lifted).toEqual({ ...payload, salesChannel: 'unknown' });
      expect(Object.keys(lifted as object)).toEqual([...Object.keys(payload), 'salesChannel']);
    });

    it('does not let an extra v1 field named salesChannel through as a v2 channel', () => {
      const stray = { ...payload, salesChannel: 'web' };
      expect(upcast(stray, 1, 2, [orderCreatedV1ToV2])).toMatchObject({ salesChannel: 'unknown' });
    });

    it('leaves the stored v1 payload untouched', () => {
      const stored = Object.freeze(structuredClone(payload));
      expect(() => upcast(stored, 1, 2, [orderCreatedV1ToV2])).not.toThrow();
      expect(stored).not.toHaveProperty('salesChannel');
    });
  });

  describe('given a v2 record', () => {
    it('decodes the golden fixture as it is', () => {
      const result = decoded(v2());
      if (!result.ok) throw new Error(result.detail);
      expect(result).toEqual({ ok: true, envelope: v2(), originalVersion: 2 });
    });

    it.each(['web', 'mobile', 'api', 'unknown'])('accepts the channel "%s"', (channel) => {
      const envelope = v2();
      envelope.payload['salesChannel'] = channel;
      expect(reasonOf(decoded(envelope))).toBe('ok');
    });

    it.each([
      ['without salesChannel', (e: LooseEnvelope) => delete e.payload['salesChannel']],
      ['with a channel outside the enum', (e: LooseEnvelope) => (e.payload['salesChannel'] = 'tv')],
      ['with an upper-case channel', (e: LooseEnvelope) => (e.payload['salesChannel'] = 'WEB')],
    ])('dead-letters one %s as schema-violation', (_, change) => {
      const envelope = v2();
      change(envelope);
      expect(reasonOf(decoded(envelope))).toBe('schema-violation');
    });

    it('is refused by the producer gate without salesChannel', () => {
      const envelope = v2();
      delete envelope.payload['salesChannel'];
      expect(() => validateEnvelope(envelope as never)).toThrow(/salesChannel/);
    });
  });

  it('dead-letters a v3 record as unsupported-version', () => {
    const envelope = v2();
    envelope['schemaVersion'] = 3;
    expect(reasonOf(decoded(envelope))).toBe('unsupported-version');
  });
});
