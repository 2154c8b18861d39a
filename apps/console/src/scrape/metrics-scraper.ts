import { Inject, Injectable } from '@nestjs/common';

import { CONSOLE_CONFIG, WATCHED_SERVICES, type ConsoleConfig } from '../console-config.js';
import { SCRAPED_FAMILIES, type InstanceScrape } from './instance-scrape.js';
import { parseMetrics } from './prometheus-text.js';

/**
 * Reads GET /metrics of every instance of every watched service, all at once. An instance
 * that does not answer within the timeout is reported down rather than holding up the
 * others: the page must keep moving while one service is dead.
 */
@Injectable()
export class MetricsScraper {
  constructor(@Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig) {}

  scrapeAll(timeoutMs = 2_500): Promise<InstanceScrape[]> {
    return Promise.all(
      WATCHED_SERVICES.flatMap((service) =>
        this.config.services[service].map((url) => this.scrape(service, url, timeoutMs)),
      ),
    );
  }

  private async scrape(
    service: InstanceScrape['service'],
    url: string,
    timeoutMs: number,
  ): Promise<InstanceScrape> {
    try {
      const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) return { service, url, metrics: null, error: `HTTP ${response.status}` };
      return { service, url, metrics: await parseMetrics(await response.text(), SCRAPED_FAMILIES) };
    } catch (error) {
      const reason = error instanceof Error ? ((error.cause as Error | undefined) ?? error) : error;
      return {
        service,
        url,
        metrics: null,
        error: reason instanceof Error ? reason.message : String(reason),
      };
    }
  }
}
