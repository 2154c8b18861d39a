import type { DeadLetterReason } from './dead-letter-reason.js';

/** A producer tried to write an event its consumers would dead-letter. */
export class ContractViolationError extends Error {
  override readonly name = 'ContractViolationError';

  constructor(
    readonly reason: DeadLetterReason,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}
