import type { DeadLetterReason } from './dead-letter-reason.js';
import type { EventEnvelope } from './envelope.js';

/** A decoded record, upcast to the current version, or why it must be dead-lettered. */
export type DecodeResult =
  | { ok: true; envelope: EventEnvelope; originalVersion: number }
  | { ok: false; reason: DeadLetterReason; detail: string };
