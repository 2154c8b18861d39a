import { describe, expect, it } from 'vitest';

import { hash32 } from './ordered-locks.js';

describe('hash32', () => {
  it('is stable across processes and releases (FNV-1a), as every writer must agree on it', () => {
    expect(hash32('')).toBe(0x811c9dc5 | 0);
    expect(hash32('customer:c-1')).toBe(hash32('customer:c-1'));
    expect(hash32('a')).toBe(0xe40c292c | 0);
  });

  it('fits PostgreSQL int4', () => {
    for (const key of ['order:1', 'customer:zz', 'x'.repeat(200)]) {
      const h = hash32(key);
      expect(Number.isInteger(h) && h >= -(2 ** 31) && h < 2 ** 31).toBe(true);
    }
  });
});
