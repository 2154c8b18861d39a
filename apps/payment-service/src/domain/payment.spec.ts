import { describe, expect, it } from 'vitest';
import { openAccount, type CreditAccount } from './credit-account.js';
import { authorizePayment, refundPayment, type Payment, type PaymentRequest } from './payment.js';
import { CreditInvariantError } from './payment.errors.js';

const account = (available = 10_000): CreditAccount =>
  Object.freeze({
    ...openAccount('customer-1', { creditLimit: 10_000, currency: 'EUR' }),
    available,
  });
const request = (change: Partial<PaymentRequest> = {}): PaymentRequest => ({
  paymentId: 'pay-1',
  orderId: 'order-1',
  customerId: 'customer-1',
  amount: 2_999,
  currency: 'EUR',
  ...change,
});
const facts = request();

// Given an authorized payment of 2 999 and the account it reserved from.
function authorized(): { payment: Payment; account: CreditAccount } {
  const { payment, account: reserved } = authorizePayment(account(), request());
  return { payment: Object.freeze(payment), account: Object.freeze(reserved) };
}

describe('Payment', () => {
  describe('when an order asks for an amount the credit covers', () => {
    it('is authorized, reserves the amount and states PaymentAuthorized', () => {
      expect(authorizePayment(account(), request())).toEqual({
        eventType: 'PaymentAuthorized',
        payment: { ...facts, status: 'AUTHORIZED', reason: null },
        account: { ...account(), available: 7_001 },
        event: facts,
      });
    });

    it('may take exactly all of the available credit', () => {
      const { eventType, account: after } = authorizePayment(account(2_999), request());
      expect(eventType).toBe('PaymentAuthorized');
      expect(after.available).toBe(0);
    });
  });

  describe('when the credit does not cover the amount', () => {
    it('is rejected for insufficient credit, leaving the account as it was', () => {
      expect(authorizePayment(account(2_998), request())).toEqual({
        eventType: 'PaymentRejected',
        payment: { ...facts, status: 'REJECTED', reason: 'INSUFFICIENT_CREDIT' },
        account: account(2_998),
        event: { ...facts, reason: 'INSUFFICIENT_CREDIT' },
      });
    });
  });

  describe('when the order is in another currency than the account', () => {
    it('is rejected for currency mismatch, even if the number would fit', () => {
      const decision = authorizePayment(account(), request({ currency: 'USD', amount: 1 }));
      expect(decision).toMatchObject({
        eventType: 'PaymentRejected',
        payment: { status: 'REJECTED', reason: 'CURRENCY_MISMATCH' },
        account: account(),
        event: { reason: 'CURRENCY_MISMATCH', currency: 'USD' },
      });
    });
  });

  it.each([
    ['another customer', request({ customerId: 'customer-2' })],
    ['a negative amount', request({ amount: -1 })],
    ['a fractional amount', request({ amount: 0.5 })],
  ])('refuses to decide against the account of %s', (_, bad) => {
    expect(() => authorizePayment(account(), bad)).toThrow(CreditInvariantError);
  });

  describe('when authorized and the order is cancelled', () => {
    it('is refunded, returns the amount and states PaymentRefunded', () => {
      const { payment, account: reserved } = authorized();
      expect(refundPayment(payment, reserved)).toEqual({
        kind: 'applied',
        payment: { ...facts, status: 'REFUNDED', reason: null },
        account: account(10_000),
        event: facts,
      });
    });

    it('refuses a refund that would lift the credit above its limit', () => {
      const { payment } = authorized();
      expect(() => refundPayment(payment, account(10_000))).toThrow(CreditInvariantError);
    });

    it('refuses a refund onto the account of another customer', () => {
      const { payment } = authorized();
      const other = { ...account(0), customerId: 'customer-2' };
      expect(() => refundPayment(payment, other)).toThrow(CreditInvariantError);
    });
  });

  describe('when rejected and the order is cancelled', () => {
    it('ignores the cancel: nothing was reserved, nothing is returned', () => {
      const { payment } = authorizePayment(account(0), request());
      expect(refundPayment(payment, account(0))).toEqual({
        kind: 'ignored',
        reason: 'payment-rejected',
      });
    });
  });

  describe('when already refunded', () => {
    it('ignores a redelivered cancel as already applied', () => {
      const { payment, account: reserved } = authorized();
      const first = refundPayment(payment, reserved);
      if (first.kind !== 'applied') throw new Error('expected the first refund to apply');
      expect(refundPayment(first.payment, first.account)).toEqual({
        kind: 'ignored',
        reason: 'already-applied',
      });
    });
  });
});
