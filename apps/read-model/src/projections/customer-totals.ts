import type { AmountDelta, SummaryDelta } from './order-view.js';

/** Counter and amount changes per customer, summed over the events of one transaction. */
export class CustomerTotals {
  readonly summaries = new Map<string, SummaryDelta>();
  readonly amounts = new Map<string, { customerId: string } & AmountDelta>();

  add(customerId: string, summary: SummaryDelta, amount: AmountDelta | undefined): void {
    // An event without counter changes creates no summary row, as if written one by one.
    if (Object.keys(summary).length > 0) {
      const sum: SummaryDelta = { ...this.summaries.get(customerId) };
      for (const [k, v] of Object.entries(summary) as [keyof SummaryDelta, number][]) {
        sum[k] = (sum[k] ?? 0) + v;
      }
      this.summaries.set(customerId, sum);
    }
    if (amount) {
      const key = JSON.stringify([customerId, amount.currency]);
      const known = this.amounts.get(key);
      this.amounts.set(key, {
        customerId,
        currency: amount.currency,
        authorized: (known?.authorized ?? 0) + amount.authorized,
        refunded: (known?.refunded ?? 0) + amount.refunded,
      });
    }
  }
}
