import { queryPrepared, type PreparedStatement } from '@app/messaging';
import type { EntityManager } from 'typeorm';

import { CustomerTotals } from './customer-totals.js';
import type { SummaryDelta } from './order-view.js';

const SUMMARY_COLUMNS = {
  orders: 'orders',
  pending: 'pending',
  approved: 'approved',
  rejected: 'rejected',
  cancelled: 'cancelled',
  paymentsAuthorized: 'payments_authorized',
  paymentsRejected: 'payments_rejected',
  paymentsRefunded: 'payments_refunded',
} as const satisfies Record<keyof SummaryDelta, string>;
const SUMMARY_KEYS = Object.keys(SUMMARY_COLUMNS) as (keyof SummaryDelta)[];
const summaryColumns = SUMMARY_KEYS.map((k) => SUMMARY_COLUMNS[k]);

// Rows in key order: concurrent transactions lock shared customer rows in the same order.
const ADD_SUMMARIES: PreparedStatement = {
  name: 'views-add-summaries',
  text: `INSERT INTO customer_summaries (customer_id, ${summaryColumns.join(', ')})
     SELECT * FROM unnest($1::text[], ${summaryColumns.map((_, i) => `$${i + 2}::int[]`).join(', ')})
      ORDER BY 1
     ON CONFLICT (customer_id) DO UPDATE SET ${summaryColumns
       .map((c) => `${c} = customer_summaries.${c} + EXCLUDED.${c}`)
       .join(', ')}`,
};
const ADD_AMOUNTS: PreparedStatement = {
  name: 'views-add-amounts',
  text: `INSERT INTO customer_amounts (customer_id, currency, authorized, refunded)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) ORDER BY 1, 2
     ON CONFLICT (customer_id, currency) DO UPDATE SET
       authorized = customer_amounts.authorized + EXCLUDED.authorized,
       refunded = customer_amounts.refunded + EXCLUDED.refunded`,
};

/**
 * SQL for the view tables. Table names carry no schema: the live consumer finds them in
 * `public`, a rebuild's transactions put its scratch schema first in the search_path and so
 * write fresh tables beside the live ones with the same handlers.
 */
export class ViewStore {
  /** Customer counter changes of each open transaction, written once before it commits. */
  private readonly totals = new WeakMap<EntityManager, CustomerTotals>();

  totalsOf(manager: EntityManager): CustomerTotals {
    let totals = this.totals.get(manager);
    if (!totals) this.totals.set(manager, (totals = new CustomerTotals()));
    return totals;
  }

  /** Writes (and forgets) what totalsOf collected in this transaction. */
  async writeTotals(manager: EntityManager): Promise<void> {
    const totals = this.totals.get(manager);
    this.totals.delete(manager);
    if (totals) await this.addTotals(manager, totals);
  }

  /**
   * Adds a transaction's counter and amount changes, one statement per table, rows in key
   * order: concurrent transactions lock shared customer rows in the same order and queue.
   */
  private async addTotals(manager: EntityManager, totals: CustomerTotals): Promise<void> {
    const customers = [...totals.summaries.keys()].sort();
    if (customers.length > 0) {
      await queryPrepared(manager, ADD_SUMMARIES, [
        customers,
        ...SUMMARY_KEYS.map((k) => customers.map((c) => totals.summaries.get(c)![k] ?? 0)),
      ]);
    }
    const amounts = [...totals.amounts.values()].sort((a, b) =>
      a.customerId === b.customerId
        ? a.currency.localeCompare(b.currency)
        : a.customerId < b.customerId
          ? -1
          : 1,
    );
    if (amounts.length > 0) {
      await queryPrepared(manager, ADD_AMOUNTS, [
        amounts.map((a) => a.customerId),
        amounts.map((a) => a.currency),
        amounts.map((a) => a.authorized),
        amounts.map((a) => a.refunded),
      ]);
    }
  }
}
