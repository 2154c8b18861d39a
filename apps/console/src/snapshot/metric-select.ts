import type { InstanceScrape } from '../scrape/instance-scrape.js';
import type { HistogramSeries, Sample } from '../scrape/prometheus-text.js';

/** Samples named `name` of every instance that answered, with the instance they came from. */
export function samplesOf(
  scrapes: readonly InstanceScrape[],
  name: string,
): (Sample & { scrape: InstanceScrape })[] {
  return scrapes.flatMap((scrape) =>
    (scrape.metrics?.samples ?? []).filter((s) => s.name === name).map((s) => ({ ...s, scrape })),
  );
}

export function histogramsOf(scrapes: readonly InstanceScrape[], name: string): HistogramSeries[] {
  return scrapes.flatMap((scrape) =>
    (scrape.metrics?.histograms ?? []).filter((h) => h.name === name),
  );
}
