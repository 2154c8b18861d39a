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

// Rows go as one JSON array (JSON.stringify and PostgreSQL's json parser are native; a text
// array of customer ids costs pg's per-element escaping in JS) and are inserted in key order:
// concurrent transactions lock shared customer rows in the same order.
const ADD_SUMMARIES: PreparedStatement = {
  name: 'views-add-summaries',
  text: `INSERT INTO customer_summaries (customer_id, ${summaryColumns.join(', ')})
     SELECT customer_id, ${summaryColumns.join(', ')}
       FROM json_to_recordset($1::json)
         AS s(customer_id text, ${summaryColumns.map((c) => `${c} int`).join(', ')})
      ORDER BY 1
     ON CONFLICT (customer_id) DO UPDATE SET ${summaryColumns
       .map((c) => `${c} = customer_summaries.${c} + EXCLUDED.${c}`)
       .join(', ')}`,
};
const ADD_AMOUNTS: PreparedStatement = {
  name: 'views-add-amounts',
  text: `INSERT INTO customer_amounts (customer_id, currency, authorized, refunded)
     SELECT customer_id, currency, authorized, refunded
       FROM json_to_recordset($1::json)
         AS a(customer_id text, currency text, authorized bigint, refunded bigint)
      ORDER BY 1, 2
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
    const totals = this.takeTotals(manager);
    if (totals) await this.addTotals(manager, totals);
  }

  /** What totalsOf collected in this transaction, forgotten here (nothing is written). */
  takeTotals(manager: EntityManager): CustomerTotals | undefined {
    const totals = this.totals.get(manager);
    this.totals.delete(manager);
    return totals;
  }

  /**
   * Adds counter and amount changes, one statement per table, rows in key order: concurrent
   * transactions lock shared customer rows in the same order and queue.
   */
  async addTotals(manager: EntityManager, totals: CustomerTotals): Promise<void> {
    // Both started before either is awaited: a caller's sentTogether sends them in one write.
    const writes: Promise<unknown>[] = [];
    if (totals.summaries.size > 0) {
      const rows = [...totals.summaries].map(([customerId, sum]) => {
        const row: Record<string, string | number> = { customer_id: customerId };
        for (const k of SUMMARY_KEYS) row[SUMMARY_COLUMNS[k]] = sum[k] ?? 0;
        return row;
      });
      writes.push(queryPrepared(manager, ADD_SUMMARIES, [JSON.stringify(rows)]));
    }
    if (totals.amounts.size > 0) {
      const rows = [...totals.amounts.values()].map((a) => ({
        customer_id: a.customerId,
        currency: a.currency,
        authorized: a.authorized,
        refunded: a.refunded,
      }));
      writes.push(queryPrepared(manager, ADD_AMOUNTS, [JSON.stringify(rows)]));
    }
    await Promise.all(writes);
  }
}
