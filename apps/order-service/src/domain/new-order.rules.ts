import type { OrderItem } from '@app/contracts';
import { isCurrencyCode, isMinorUnits, isQuantity, totalOf } from './money.js';
import type { FieldProblem } from './order.errors.js';
import {
  isPlaceableSalesChannel,
  PLACEABLE_SALES_CHANNELS,
  type PlaceableSalesChannel,
} from './sales-channel.js';

/** Bounds one order's size, so that one request cannot make an unbounded event or row. */
export const MAX_ORDER_ITEMS = 100;

export interface NewOrder {
  readonly orderId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly items: readonly OrderItem[];
  /** Absent (or null, which the API treats as absent) means DEFAULT_SALES_CHANNEL. */
  readonly salesChannel?: PlaceableSalesChannel | null;
}

/** Every rule a new order breaks, so that the client can fix them all in one round trip. */
export function problemsWithNewOrder(input: NewOrder): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const check = (ok: boolean, field: string, message: string): void => {
    if (!ok) problems.push({ field, message });
  };
  check(isNonEmptyString(input.orderId), 'orderId', 'must be a non-empty string');
  check(isNonEmptyString(input.customerId), 'customerId', 'must be a non-empty string');
  check(isCurrencyCode(input.currency), 'currency', 'must be an ISO-4217 code like "EUR"');
  check(
    input.salesChannel == null || isPlaceableSalesChannel(input.salesChannel),
    'salesChannel',
    `must be one of ${PLACEABLE_SALES_CHANNELS.join(', ')}`,
  );
  // Typed callers may still pass parsed JSON, so the array itself is checked too.
  const items: readonly OrderItem[] = Array.isArray(input.items) ? input.items : [];
  check(items.length >= 1, 'items', 'must hold at least one item');
  check(items.length <= MAX_ORDER_ITEMS, 'items', `must hold at most ${MAX_ORDER_ITEMS} items`);
  items.forEach((item, i) => {
    check(isNonEmptyString(item.sku), `items[${i}].sku`, 'must be a non-empty string');
    check(isQuantity(item.quantity), `items[${i}].quantity`, 'must be a positive integer');
    check(isMinorUnits(item.unitPrice), `items[${i}].unitPrice`, 'must be a non-negative integer');
  });
  // A total is only meaningful, and computable, once every line holds valid amounts.
  if (problems.length === 0 && totalOf(items) === null) {
    problems.push({ field: 'total', message: 'exceeds the largest amount that can be exact' });
  }
  return problems;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}
