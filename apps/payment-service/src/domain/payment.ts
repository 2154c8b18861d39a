import type {
  PaymentAuthorizedPayload,
  PaymentRefundedPayload,
  PaymentRejectedPayload,
} from '@app/contracts';
import type { CreditAccount } from './credit-account.js';
import { CreditInvariantError } from './payment.errors.js';

// The payment state machine: one payment per order, decided once on OrderCreated and refunded
// at most once on OrderCancelled. Transitions are pure and return the account they change.

interface PaymentFacts {
  readonly paymentId: string;
  readonly orderId: string;
  readonly customerId: string;
  /** Integer minor units. */
  readonly amount: number;
  readonly currency: string;
}

export type AuthorizedPayment = PaymentFacts & { status: 'AUTHORIZED'; reason: null };
export type RejectedPayment = PaymentFacts & { status: 'REJECTED'; reason: string };
export type RefundedPayment = PaymentFacts & { status: 'REFUNDED'; reason: null };
export type Payment = AuthorizedPayment | RejectedPayment | RefundedPayment;
export type PaymentStatus = Payment['status'];

export type PaymentRejectionReason = 'INSUFFICIENT_CREDIT' | 'CURRENCY_MISMATCH';

export type PaymentRequest = PaymentFacts;

/** Always a decision: a payment that cannot be covered is a business outcome, not an error. */
export type Authorization =
  | {
      eventType: 'PaymentAuthorized';
      payment: AuthorizedPayment;
      account: CreditAccount;
      event: PaymentAuthorizedPayload;
    }
  | {
      eventType: 'PaymentRejected';
      payment: RejectedPayment;
      account: CreditAccount;
      event: PaymentRejectedPayload;
    };

export type RefundOutcome =
  | {
      kind: 'applied';
      payment: RefundedPayment;
      account: CreditAccount;
      event: PaymentRefundedPayload;
    }
  | { kind: 'ignored'; reason: string };

/** On OrderCreated: reserves the amount from the customer's available credit, or refuses. */
export function authorizePayment(account: CreditAccount, request: PaymentRequest): Authorization {
  assertSameCustomer(account, request);
  if (!Number.isSafeInteger(request.amount) || request.amount < 0) {
    throw new CreditInvariantError(
      `amount must be non-negative minor units, got ${request.amount}`,
    );
  }
  const { paymentId, orderId, customerId, amount, currency } = request;
  const facts = { paymentId, orderId, customerId, amount, currency };
  const refusal = refusalOf(account, request);
  if (refusal !== null) {
    const payment: RejectedPayment = { ...facts, status: 'REJECTED', reason: refusal };
    return { eventType: 'PaymentRejected', payment, account, event: { ...facts, reason: refusal } };
  }
  const payment: AuthorizedPayment = { ...facts, status: 'AUTHORIZED', reason: null };
  const reserved = { ...account, available: account.available - amount };
  return { eventType: 'PaymentAuthorized', payment, account: reserved, event: facts };
}

/** On OrderCancelled: gives an authorized amount back; anything else has nothing to return. */
export function refundPayment(payment: Payment, account: CreditAccount): RefundOutcome {
  switch (payment.status) {
    case 'REJECTED':
      return { kind: 'ignored', reason: 'payment-rejected' };
    case 'REFUNDED':
      return { kind: 'ignored', reason: 'already-applied' };
    case 'AUTHORIZED': {
      assertSameCustomer(account, payment);
      const available = account.available + payment.amount;
      if (payment.currency !== account.currency || available > account.creditLimit) {
        throw new CreditInvariantError(
          `refunding ${payment.amount} ${payment.currency} of payment ${payment.paymentId} would ` +
            `make ${available} available on a limit of ${account.creditLimit} ${account.currency}`,
        );
      }
      const { paymentId, orderId, customerId, amount, currency } = payment;
      const refunded: RefundedPayment = { ...payment, status: 'REFUNDED', reason: null };
      const event = { paymentId, orderId, customerId, amount, currency };
      return { kind: 'applied', payment: refunded, account: { ...account, available }, event };
    }
  }
}

function refusalOf(account: CreditAccount, request: PaymentRequest): PaymentRejectionReason | null {
  if (request.currency !== account.currency) return 'CURRENCY_MISMATCH';
  if (request.amount > account.available) return 'INSUFFICIENT_CREDIT';
  return null;
}

function assertSameCustomer(account: CreditAccount, payment: { customerId: string }): void {
  if (account.customerId !== payment.customerId) {
    throw new CreditInvariantError(
      `account of ${account.customerId} used for a payment of ${payment.customerId}`,
    );
  }
}
