// Money is integer minor units plus an ISO-4217 code: floats would round (0.1 + 0.2), and a
// number above 2^53 silently loses cents, so every amount must stay a safe integer.

/** The shape of an ISO-4217 alphabetic code; whether the code exists is not checked here. */
export const CURRENCY_CODE = /^[A-Z]{3}$/;

export function isCurrencyCode(value: unknown): value is string {
  return typeof value === 'string' && CURRENCY_CODE.test(value);
}

/** A count of units: a positive safe integer. */
export function isQuantity(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 1;
}

/** An amount in minor units (cents): a non-negative safe integer. */
export function isMinorUnits(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

export interface PricedLine {
  readonly quantity: number;
  readonly unitPrice: number;
}

/**
 * The exact sum of quantity * unitPrice, or null when it would not be a safe integer.
 * Computed in BigInt because a product of two safe integers may already be imprecise.
 */
export function totalOf(lines: readonly PricedLine[]): number | null {
  const total = lines.reduce(
    (sum, line) => sum + BigInt(line.quantity) * BigInt(line.unitPrice),
    0n,
  );
  return total <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(total) : null;
}
