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

export const FINAL_STATES_SQL = `
  SELECT count(*)::int AS n FROM order_views
   WHERE created_at >= $1 AND status IN ('APPROVED', 'REJECTED') AND payment_status IS NOT NULL`;

/** Orders placed since `since` that the read model shows in their final state. */
export async function finalSince(db: pg.Pool, since: Date): Promise<number> {
  const { rows } = await db.query<{ n: number }>(FINAL_STATES_SQL, [since]);
  return rows[0]!.n;
}
