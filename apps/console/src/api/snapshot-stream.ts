import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import {
  type Observable,
  ReplaySubject,
  Subject,
  exhaustMap,
  map,
  share,
  takeUntil,
  timer,
} from 'rxjs';

import { CONSOLE_CONFIG, type ConsoleConfig } from '../console-config.js';
import { MetricsScraper } from '../scrape/metrics-scraper.js';
import { SnapshotBuilder } from '../snapshot/snapshot-builder.js';
import type { Snapshot } from '../snapshot/snapshot.js';

/**
 * One scrape loop shared by every open page: it runs while at least one page listens and
 * stops with the last one, so an idle console puts no load on the services. A scrape that
 * outlasts the interval is not overlapped by the next (exhaustMap). On shutdown the stream
 * completes, which ends every open event stream: otherwise the HTTP server would wait for
 * the pages to go away before the process could exit.
 */
@Injectable()
export class SnapshotStream implements BeforeApplicationShutdown {
  readonly snapshots: Observable<Snapshot>;
  private readonly builder: SnapshotBuilder;
  private readonly closing = new Subject<void>();

  constructor(@Inject(CONSOLE_CONFIG) config: ConsoleConfig, scraper: MetricsScraper) {
    this.builder = new SnapshotBuilder(config.sloSeconds);
    this.snapshots = timer(0, config.pollIntervalMs).pipe(
      exhaustMap(() => scraper.scrapeAll()),
      map((scrapes) => this.builder.build(scrapes, Date.now())),
      share({ connector: () => new ReplaySubject(1), resetOnRefCountZero: true }),
      takeUntil(this.closing),
    );
  }

  beforeApplicationShutdown(): void {
    this.closing.next();
  }
}
