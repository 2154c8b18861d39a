import type { WatchedService } from '../console-config.js';
import type { ParsedMetrics } from './prometheus-text.js';

/** One instance's /metrics at one moment: parsed, or why it could not be read. */
export interface InstanceScrape {
  service: WatchedService;
  url: string;
  metrics: ParsedMetrics | null;
  error?: string;
}

/** The families the console reads (everything else in /metrics is dropped before parsing). */
export const SCRAPED_FAMILIES = [
  'consumer_commit_to_effect_seconds',
  'kafka_consumer_lag',
  'outbox_backlog_rows',
  'outbox_oldest_unpublished_age_seconds',
  'outbox_relay_leader',
  'consumer_dead_letters_total',
] as const;
