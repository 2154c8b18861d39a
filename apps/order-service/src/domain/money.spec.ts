import { describe, expect, it } from 'vitest';
import { isCurrencyCode, isMinorUnits, isQuantity, totalOf } from './money.js';

const MAX = Number.MAX_SAFE_INTEGER;

describe('Money', () => {
  it('accepts three upper-case letters as a currency code, nothing else', () => {
    expect(['EUR', 'USD', 'JPY'].map(isCurrencyCode)).toEqual([true, true, true]);
    expect(['eur', 'EURO', 'EU', 'E1R', '', ' EUR', 42].map(isCurrencyCode)).toEqual(
      Array(7).fill(false),
    );
  });

  it('takes a quantity as a positive safe integer', () => {
    expect([1, 2, MAX].map(isQuantity)).toEqual([true, true, true]);
    expect([0, -1, 1.5, MAX + 1, Number.NaN, '2', null].map(isQuantity)).toEqual(
      Array(7).fill(false),
    );
  });

  it('takes an amount as non-negative safe integer minor units', () => {
    expect([0, 1, 1999, MAX].map(isMinorUnits)).toEqual([true, true, true, true]);
    expect([-1, 0.5, 19.99, MAX + 1, Infinity, '100'].map(isMinorUnits)).toEqual(
      Array(6).fill(false),
    );
  });

  describe('the total of priced lines', () => {
    it('is the exact sum of quantity times unit price', () => {
      expect(
        totalOf([
          { quantity: 2, unitPrice: 1250 },
          { quantity: 1, unitPrice: 499 },
        ]),
      ).toBe(2999);
      expect(totalOf([])).toBe(0);
    });

    it('may reach the largest safe integer', () => {
      expect(
        totalOf([
          { quantity: 1, unitPrice: MAX - 1 },
          { quantity: 1, unitPrice: 1 },
        ]),
      ).toBe(MAX);
    });

    it('is refused (null) when one line overflows, even where floats would round quietly', () => {
      // 3 * 3002399751580331 = 2^53 + 1, which a double rounds to 2^53.
      expect(totalOf([{ quantity: 3, unitPrice: 3_002_399_751_580_331 }])).toBeNull();
    });

    it('is refused (null) when the sum overflows although every line fits', () => {
      expect(
        totalOf([
          { quantity: 1, unitPrice: MAX },
          { quantity: 1, unitPrice: 1 },
        ]),
      ).toBeNull();
    });
  });
});
