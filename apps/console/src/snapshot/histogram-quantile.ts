export interface Bucket {
  /** Upper bound (inclusive); Infinity for the +Inf bucket. */
  le: number;
  /** Cumulative count of observations at or below `le`. */
  count: number;
}

/**
 * The q-quantile of a cumulative histogram, as Prometheus' histogram_quantile computes it:
 * linear interpolation inside the bucket that holds the rank, the lowest bucket starting at
 * 0, and the highest finite bound when the rank falls in the +Inf bucket. Null when the
 * histogram is empty.
 */
export function histogramQuantile(q: number, buckets: readonly Bucket[]): number | null {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const bucket of sorted) {
    if (bucket.count >= rank) {
      if (bucket.le === Infinity) return lower;
      if (bucket.count === below) return bucket.le;
      return lower + ((bucket.le - lower) * (rank - below)) / (bucket.count - below);
    }
    lower = bucket.le;
    below = bucket.count;
  }
  return lower;
}

/** Bucket counts summed by bound (series of one histogram share their bounds). */
export function sumBuckets(series: readonly (readonly Bucket[])[]): Bucket[] {
  const byBound = new Map<number, number>();
  for (const buckets of series)
    for (const { le, count } of buckets) byBound.set(le, (byBound.get(le) ?? 0) + count);
  return [...byBound.entries()].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

/** `now` minus `before`, bound by bound: the observations made in between (null on a reset). */
export function bucketsSince(now: readonly Bucket[], before: readonly Bucket[]): Bucket[] | null {
  const earlier = new Map(before.map((b) => [b.le, b.count]));
  const diff = now.map(({ le, count }) => ({ le, count: count - (earlier.get(le) ?? 0) }));
  return diff.some((b) => b.count < 0) ? null : diff;
}
