import { checkEnvelope } from './check-envelope.js';
import { ContractViolationError } from './contract-violation.error.js';
import type { EventEnvelope } from './envelope.js';

/**
 * The producer's gate: the outbox writer calls it before inserting, so an event that every
 * consumer would dead-letter fails the business transaction instead of being published.
 */
export function validateEnvelope(envelope: EventEnvelope): void {
  const checked = checkEnvelope(envelope);
  if (!checked.ok) throw new ContractViolationError(checked.reason, checked.detail);
}
