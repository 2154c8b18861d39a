import { describe, expect, it } from 'vitest';
import { openAccount } from './credit-account.js';
import { InvalidAccountError } from './payment.errors.js';

describe('CreditAccount', () => {
  describe('when opened for a customer never seen', () => {
    it('has all of its default credit available', () => {
      expect(openAccount('customer-1', { creditLimit: 100_000, currency: 'EUR' })).toEqual({
        customerId: 'customer-1',
        currency: 'EUR',
        creditLimit: 100_000,
        available: 100_000,
      });
    });

    it('may have no credit at all', () => {
      expect(openAccount('customer-1', { creditLimit: 0, currency: 'EUR' }).available).toBe(0);
    });

    it.each([
      ['a negative limit', 'customer-1', -1, 'EUR'],
      ['a fractional limit', 'customer-1', 10.5, 'EUR'],
      ['an unsafe limit', 'customer-1', 2 ** 53, 'EUR'],
      ['a lower-case currency', 'customer-1', 100, 'eur'],
      ['an empty customer id', '', 100, 'EUR'],
    ])('refuses %s', (_, customerId, creditLimit, currency) => {
      expect(() => openAccount(customerId, { creditLimit, currency })).toThrow(InvalidAccountError);
    });
  });
});
