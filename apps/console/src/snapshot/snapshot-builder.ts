import { SERVICE_NAMES, TOPOLOGY } from '@app/contracts';

import type { InstanceScrape } from '../scrape/instance-scrape.js';
import {
  RECENT_MS,
  commitToEffectBuckets,
  latencyRows,
  type BucketsByConsumer,
} from './commit-to-effect.js';
import { STUCK_AFTER_MS, lagByPartition, lagRows, type LagByPartition } from './consumer-lag.js';
import { deadLetterCounts } from './dead-letter-counts.js';
import { outboxRows } from './outbox.js';
import { relayRows } from './relay-leader.js';
import { flowRows, flowTotals, type FlowTotals } from './saga-flow.js';
import type { Snapshot, WatchedServiceInfo } from './snapshot.js';
import { TimeWindow } from './time-window.js';

const RATE_WINDOW_MS = 10_000;

const SERVICES: WatchedServiceInfo[] = SERVICE_NAMES.map((name) => ({
  name,
  group: TOPOLOGY[name].group,
  deadLetters: (TOPOLOGY[name].admin as readonly string[]).includes('deadLetters'),
  replay: (TOPOLOGY[name].admin as readonly string[]).includes('replay'),
}));

/**
 * Turns successive scrapes into snapshots. It keeps the little history that rates, "stuck
 * for 10 s" and "p99 of the last minute" need; everything else is read from the scrape.
 */
export class SnapshotBuilder {
  private readonly totals = new TimeWindow<FlowTotals>(RATE_WINDOW_MS + 5_000);
  private readonly lags = new TimeWindow<LagByPartition>(STUCK_AFTER_MS + 5_000);
  private readonly latencies = new TimeWindow<BucketsByConsumer>(RECENT_MS + 5_000);
  private readonly leaderlessSince = new Map<string, number>();

  constructor(private readonly sloSeconds: number) {}

  build(scrapes: readonly InstanceScrape[], now: number): Snapshot {
    const totals = flowTotals(scrapes);
    const rateBase = this.totals.oldestWithin(RATE_WINDOW_MS, now);
    this.totals.record(now, totals);

    const lag = lagByPartition(scrapes);
    this.lags.record(now, lag);

    const buckets = commitToEffectBuckets(scrapes);
    const minuteAgo = this.latencies.oldestWithin(RECENT_MS, now)?.value;
    this.latencies.record(now, buckets);

    return {
      at: new Date(now).toISOString(),
      sloSeconds: this.sloSeconds,
      services: SERVICES,
      instances: scrapes.map(({ service, url, metrics, error }) => ({
        service,
        url,
        up: metrics !== null,
        ...(error ? { error } : {}),
      })),
      flow: flowRows({ at: now, value: totals }, rateBase),
      lag: lagRows(lag, this.lags.within(STUCK_AFTER_MS + 5_000, now), now),
      outbox: outboxRows(scrapes),
      relay: relayRows(scrapes, this.leaderlessSince, now),
      latency: latencyRows(buckets, minuteAgo, this.sloSeconds),
      deadLetters: deadLetterCounts(scrapes),
    };
  }
}
