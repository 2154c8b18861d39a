import type { AmountDelta, SummaryDelta } from './order-view.js';

/** Counter and amount changes per customer, summed over the events of one transaction. */
export class CustomerTotals {
  readonly summaries = new Map<string, SummaryDelta>();
  readonly amounts = new Map<string, { customerId: string } & AmountDelta>();

  // The sums are updated in place: a rebuild adds one change per event, and a copy per
  // event was a measurable share of its allocations.
  add(customerId: string, summary: SummaryDelta, amount: AmountDelta | undefined): void {
    let sum: SummaryDelta | undefined;
    for (const k in summary) {
      const key = k as keyof SummaryDelta;
      // An event without counter changes creates no summary row, as if written one by one.
      if (!sum) {
        sum = this.summaries.get(customerId);
        if (!sum) this.summaries.set(customerId, (sum = {}));
      }
      sum[key] = (sum[key] ?? 0) + summary[key]!;
    }
    if (amount) {
      const key = JSON.stringify([customerId, amount.currency]);
      const known = this.amounts.get(key);
      if (known) {
        known.authorized += amount.authorized;
        known.refunded += amount.refunded;
      } else {
        this.amounts.set(key, { customerId, ...amount });
      }
    }
  }

  /** Adds another transaction's sums to these (a rebuild holds them until it ends). */
  addAll(other: CustomerTotals): void {
    for (const [customerId, summary] of other.summaries) this.add(customerId, summary, undefined);
    for (const { customerId, ...amount } of other.amounts.values())
      this.add(customerId, {}, amount);
  }
}
