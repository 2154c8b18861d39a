import type { DeadLetterReason } from './dead-letter-reason.js';
import type { DomainEvent } from './domain-event.js';

/** A decoded record, upcast to the current version, or why it must be dead-lettered. */
export type DecodeResult =
  | { ok: true; envelope: DomainEvent; originalVersion: number }
  | { ok: false; reason: DeadLetterReason; detail: string };
