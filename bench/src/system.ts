/** What the end-to-end phases need to know about the running stack. */
import type { Agent } from 'node:http';

import type pg from 'pg';

import type { Tracked } from './procstat.js';

export interface SystemUnderTest {
  orderServiceUrl: string;
  readModelUrl: string;
  adminDbUrl: string;
  orderDbUrl: string;
  paymentDbUrl: string;
  readModelDbUrl: string;
  brokers: string[];
  /** Processes whose CPU is measured (services, PostgreSQL with its backends, the broker). */
  tracked: Tracked[];
  agent: Agent;
  /** A small pool on the read model's database for the bench's own observations. */
  readDb: pg.Pool;
  log: (line: string) => void;
}

/** The marker keeps the bench's own polls out of B4's statements per order. */
export const BENCH_QUERY_MARKER = '/* bench-observer */';

export const FINAL_STATES_SQL = `${BENCH_QUERY_MARKER}
  SELECT count(*)::int AS n FROM order_views
   WHERE created_at >= $1 AND status IN ('APPROVED', 'REJECTED') AND payment_status IS NOT NULL`;

/** Orders placed since `since` that the read model shows in their final state. */
export async function finalSince(db: pg.Pool, since: Date): Promise<number> {
  const { rows } = await db.query<{ n: number }>(FINAL_STATES_SQL, [since]);
  return rows[0]!.n;
}
