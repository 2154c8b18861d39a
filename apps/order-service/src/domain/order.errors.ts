import type { OrderStatus } from './order.js';

export interface FieldProblem {
  /** Path of the offending input field, e.g. 'items[2].quantity'. */
  readonly field: string;
  readonly message: string;
}

/** The order breaks a business rule; the API answers 400 naming every field at once. */
export class InvalidOrderError extends Error {
  override readonly name = 'InvalidOrderError';

  constructor(readonly problems: readonly FieldProblem[]) {
    super(`invalid order: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
  }
}

/** A command asked for a transition the state machine forbids; the API answers 409. */
export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';

  constructor(
    readonly orderId: string,
    readonly from: OrderStatus,
    readonly to: OrderStatus,
  ) {
    super(`order ${orderId} cannot go from ${from} to ${to}`);
  }
}
