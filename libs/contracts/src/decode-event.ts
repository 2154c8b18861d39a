import { checkEnvelope } from './check-envelope.js';
import type { DecodeResult } from './decode-result.js';
import { upcastEnvelope } from './upcast-envelope.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Bytes from Kafka to an envelope of the CURRENT version of its event, or the reason it
 * must be dead-lettered. Never throws: the consumer runtime treats every failure here as a
 * property of the record, so an exception would be mistaken for a transient fault.
 */
export function decodeEvent(value: Buffer | null): DecodeResult {
  if (value === null) {
    return { ok: false, reason: 'malformed-bytes', detail: 'record has no value' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(value));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: 'malformed-bytes', detail };
  }
  const checked = checkEnvelope(parsed);
  return checked.ok ? upcastEnvelope(checked.envelope, checked.definition) : checked;
}
