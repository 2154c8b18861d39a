import { describe, expect, it } from 'vitest';

import { bucketsSince, histogramQuantile, sumBuckets } from './histogram-quantile.js';

const buckets = (pairs: [number, number][]) => pairs.map(([le, count]) => ({ le, count }));

describe('histogramQuantile (as Prometheus histogram_quantile)', () => {
  it('interpolates linearly inside the bucket that holds the rank', () => {
    // 100 observations: 50 at or below 0.1 s, 100 at or below 1 s -> p99 at 0.98 of (0.1, 1].
    const h = buckets([
      [0.1, 50],
      [1, 100],
      [Infinity, 100],
    ]);
    expect(histogramQuantile(0.99, h)).toBeCloseTo(0.1 + 0.9 * (49 / 50), 10);
    expect(histogramQuantile(0.5, h)).toBeCloseTo(0.1, 10);
  });

  it('starts the lowest bucket at 0', () => {
    expect(
      histogramQuantile(
        0.5,
        buckets([
          [2, 10],
          [Infinity, 10],
        ]),
      ),
    ).toBeCloseTo(1, 10);
  });

  it('answers the highest finite bound when the rank falls in the +Inf bucket', () => {
    const h = buckets([
      [1, 90],
      [60, 95],
      [Infinity, 100],
    ]);
    expect(histogramQuantile(0.99, h)).toBe(60);
  });

  it('is null for an empty histogram', () => {
    expect(
      histogramQuantile(
        0.99,
        buckets([
          [1, 0],
          [Infinity, 0],
        ]),
      ),
    ).toBeNull();
    expect(histogramQuantile(0.99, [])).toBeNull();
  });
});

describe('sumBuckets and bucketsSince', () => {
  it('adds series bound by bound, and subtracts an earlier reading', () => {
    const a = buckets([
      [1, 2],
      [Infinity, 3],
    ]);
    const b = buckets([
      [1, 5],
      [Infinity, 7],
    ]);
    expect(sumBuckets([a, b])).toEqual(
      buckets([
        [1, 7],
        [Infinity, 10],
      ]),
    );
    expect(bucketsSince(b, a)).toEqual(
      buckets([
        [1, 3],
        [Infinity, 4],
      ]),
    );
  });

  it('gives null when a counter went down (an instance restarted)', () => {
    expect(bucketsSince(buckets([[1, 1]]), buckets([[1, 4]]))).toBeNull();
  });
});
