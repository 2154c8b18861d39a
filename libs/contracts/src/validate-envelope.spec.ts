import { describe, expect, it } from 'vitest';
import { ContractViolationError } from './contract-violation.error.js';
import type { EventEnvelope } from './envelope.js';
import { fixtureEnvelope } from './test/golden-fixtures.js';
import { validateEnvelope } from './validate-envelope.js';

const envelope = (change: (e: Record<string, unknown>) => void): EventEnvelope => {
  const candidate = fixtureEnvelope('PaymentAuthorized');
  change(candidate);
  return candidate as unknown as EventEnvelope;
};

function violationOf(candidate: EventEnvelope): ContractViolationError {
  try {
    validateEnvelope(candidate);
  } catch (error) {
    if (error instanceof ContractViolationError) return error;
    throw error;
  }
  throw new Error('expected a ContractViolationError');
}

describe('validateEnvelope (the producer side)', () => {
  it('accepts a valid envelope', () => {
    expect(() => validateEnvelope(envelope(() => {}))).not.toThrow();
  });

  it.each([
    ['not-an-envelope', envelope((e) => (e['occurredAt'] = new Date()))],
    ['unknown-event-type', envelope((e) => (e['eventType'] = 'PaymentCaptured'))],
    ['unsupported-version', envelope((e) => (e['schemaVersion'] = 9))],
    [
      'schema-violation',
      envelope((e) => ((e['payload'] as Record<string, unknown>)['amount'] = -5)),
    ],
  ])('refuses with reason %s', (reason, candidate) => {
    const error = violationOf(candidate);
    expect(error.reason).toBe(reason);
    expect(error.name).toBe('ContractViolationError');
    expect(error.message).toContain(reason);
  });
});
