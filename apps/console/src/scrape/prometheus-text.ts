import { getMetricsFromIterator, type PromData, type PromHistogramData } from 'prom2javascript';

/** One counter or gauge sample. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** One histogram series: cumulative bucket counts by upper bound (`le`), ascending. */
export interface HistogramSeries {
  name: string;
  labels: Record<string, string>;
  buckets: { le: number; count: number }[];
  count: number;
  /** The sum of the observed values. */
  sum: number;
}

export interface ParsedMetrics {
  samples: Sample[];
  histograms: HistogramSeries[];
}

/**
 * Parses the families named in `families` out of a Prometheus text exposition. Lines of
 * other families are dropped before parsing: a process metric the parser does not accept
 * (a NaN gauge) must not cost the console the metrics it shows.
 */
export async function parseMetrics(
  text: string,
  families: readonly string[],
): Promise<ParsedMetrics> {
  const wanted = new Set(families);
  const familyOf = (line: string): string | undefined =>
    line.startsWith('#')
      ? line.split(/\s+/)[2]
      : /^([a-zA-Z_:][a-zA-Z0-9_:]*?)(_bucket|_sum|_count)?[{\s]/.exec(line)?.[1];
  const kept = text.split('\n').filter((line) => {
    const family = familyOf(line);
    return family !== undefined && (wanted.has(family) || wanted.has(line.split(/[{\s]/)[0]!));
  });
  const parsed = await getMetricsFromIterator(kept[Symbol.iterator]());
  const result: ParsedMetrics = { samples: [], histograms: [] };
  for (const [name, metric] of Object.entries(parsed)) {
    if (metric.type === 'histogram') {
      for (const series of metric.data as PromHistogramData[]) {
        result.histograms.push({
          name,
          labels: series.labels,
          count: series.count,
          sum: series.sum ?? 0,
          buckets: Object.entries(series.buckets)
            .map(([le, count]) => ({ le: le === '+Inf' ? Infinity : Number(le), count }))
            .sort((a, b) => a.le - b.le),
        });
      }
    } else {
      for (const sample of metric.data as PromData[])
        result.samples.push({ name, labels: sample.labels, value: sample.value });
    }
  }
  return result;
}
