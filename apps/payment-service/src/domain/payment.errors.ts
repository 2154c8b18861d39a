/** The configured default account is not a valid account (a start-up configuration error). */
export class InvalidAccountError extends Error {
  override readonly name = 'InvalidAccountError';
}

/**
 * A change would break "available = creditLimit - authorized, unrefunded payments". Only a
 * bug can get here (the wrong account loaded, a refund applied twice past the inbox), so it
 * fails loudly and rolls the transaction back instead of moving money.
 */
export class CreditInvariantError extends Error {
  override readonly name = 'CreditInvariantError';
}
