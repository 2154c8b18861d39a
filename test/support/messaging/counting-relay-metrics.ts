import type { RelayMetrics } from '@app/messaging';

/** What one relay instance reported: which instance published, failed or led. */
export class CountingRelayMetrics implements RelayMetrics {
  publishedRows = 0;
  failures = 0;
  leading = false;

  published(count: number): void {
    this.publishedRows += count;
  }

  failed(): void {
    this.failures += 1;
  }

  leader(isLeader: boolean): void {
    this.leading = isLeader;
  }
}
