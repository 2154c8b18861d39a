import type { EventEnvelope } from './envelope.js';

/** JSON in UTF-8: readable with kcat and by consumers in any language. */
export function encodeEvent(envelope: EventEnvelope): Buffer {
  return Buffer.from(JSON.stringify(envelope), 'utf8');
}
