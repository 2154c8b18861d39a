import { SERVICE_NAMES, TOPOLOGY } from '@app/contracts';

import type { InstanceScrape } from '../scrape/instance-scrape.js';
import { bucketsSince, histogramQuantile, sumBuckets, type Bucket } from './histogram-quantile.js';
import { histogramsOf } from './metric-select.js';
import type { LatencyRow } from './snapshot.js';

/** The live consumer groups the SLO is about (a rebuild's scratch group re-reads old events). */
export const SLO_CONSUMERS: readonly string[] = SERVICE_NAMES.map((name) => TOPOLOGY[name].group);
export const RECENT_MS = 60_000;

export type BucketsByConsumer = Map<string, Bucket[]>;

/** consumer_commit_to_effect_seconds of each consumer, all event types and instances summed. */
export function commitToEffectBuckets(scrapes: readonly InstanceScrape[]): BucketsByConsumer {
  const series = histogramsOf(scrapes, 'consumer_commit_to_effect_seconds');
  return new Map(
    SLO_CONSUMERS.map((consumer) => [
      consumer,
      sumBuckets(series.filter((h) => h.labels.consumer === consumer).map((h) => h.buckets)),
    ]),
  );
}

/**
 * p99 per consumer over the last minute (the buckets now minus those of a minute ago) and
 * since start; trouble when the recent p99 is above the SLO. The overall figure is shown,
 * not judged: one outage long ago would otherwise keep the row red for the life of the process.
 */
export function latencyRows(
  now: BucketsByConsumer,
  minuteAgo: BucketsByConsumer | undefined,
  sloSeconds: number,
): LatencyRow[] {
  return SLO_CONSUMERS.map((consumer) => {
    const buckets = now.get(consumer) ?? [];
    const before = minuteAgo?.get(consumer);
    const recent = before ? bucketsSince(buckets, before) : null;
    const p99Recent = recent ? histogramQuantile(0.99, recent) : null;
    const p99Overall = histogramQuantile(0.99, buckets);
    return {
      consumer,
      p99Recent,
      p99Overall,
      events: buckets.at(-1)?.count ?? 0,
      health: p99Recent !== null && p99Recent > sloSeconds ? 'trouble' : 'ok',
    };
  });
}
