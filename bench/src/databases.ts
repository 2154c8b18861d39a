/**
 * Scratch databases for the raw baselines, with exactly the services' tables and indices
 * (their own TypeORM migrations, run through a minimal QueryRunner), so a raw loop and the
 * service write the same rows into the same structures.
 */
import { CreateMessagingTables1732500000000 } from '@app/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import pg from 'pg';

import { BENCH_QUERY_MARKER } from './system.js';

import { CreateOrders1732500000100 } from '../../apps/order-service/src/infrastructure/migrations/1732500000100-create-orders.js';

/** Drops and creates `name` on the cluster of `adminUrl`; returns its URL. */
export async function freshDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

async function migrate(url: string, migrations: MigrationInterface[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // The migrations only call query(); nothing else of QueryRunner is used.
    const runner = { query: (sql: string) => client.query(sql) } as unknown as QueryRunner;
    for (const m of migrations) await m.up(runner);
  } finally {
    await client.end();
  }
}

/** The outbox, stream counters, inbox and NOTIFY trigger every service has. */
export const messagingTables = (url: string): Promise<void> =>
  migrate(url, [new CreateMessagingTables1732500000000()]);

/** order-service's schema: messaging tables + orders. */
export const orderServiceTables = (url: string): Promise<void> =>
  migrate(url, [new CreateMessagingTables1732500000000(), new CreateOrders1732500000100()]);

/** Reads the durability-relevant settings of the cluster. */
export async function postgresSettings(
  url: string,
): Promise<{ version: string; settings: Record<string, string> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const names = [
      'fsync',
      'synchronous_commit',
      'full_page_writes',
      'wal_level',
      'shared_buffers',
      'max_connections',
      'work_mem',
      'checkpoint_timeout',
      'max_wal_size',
    ];
    const { rows } = await client.query<{ name: string; setting: string; unit: string | null }>(
      'SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1)',
      [names],
    );
    const settings: Record<string, string> = {};
    for (const r of rows) settings[r.name] = r.unit ? `${r.setting} (${r.unit})` : r.setting;
    const version = (
      await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")
    ).rows[0]!.v;
    return { version, settings };
  } finally {
    await client.end();
  }
}

export interface DatabaseStats {
  commits: number;
  inserted: number;
  updated: number;
  /**
   * Statements executed (pg_stat_statements calls, BEGIN and COMMIT included, the bench's own
   * marked polls left out); null when the server was started without the library.
   */
  statements: number | null;
}

/**
 * xact_commit / tuples per database (pg_stat_database) and statement calls
 * (pg_stat_statements, which the launcher loads in the bench profile), to count work per order.
 */
export async function databaseStats(url: string): Promise<Record<string, DatabaseStats>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const statements = new Map<string, number>();
    try {
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      const calls = await client.query<{ datname: string; calls: string }>(
        `SELECT d.datname, sum(s.calls)::bigint AS calls
           FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
          WHERE s.query NOT LIKE $1 GROUP BY d.datname`,
        [`${BENCH_QUERY_MARKER}%`],
      );
      for (const r of calls.rows) statements.set(r.datname, Number(r.calls));
    } catch {
      // Not loaded (a server the launcher did not start): statements stay unknown.
    }
    const { rows } = await client.query<{
      datname: string;
      xact_commit: string;
      tup_inserted: string;
      tup_updated: string;
    }>(
      `SELECT datname, xact_commit, tup_inserted, tup_updated FROM pg_stat_database
        WHERE datname IS NOT NULL`,
    );
    return Object.fromEntries(
      rows.map((r) => [
        r.datname,
        {
          commits: Number(r.xact_commit),
          inserted: Number(r.tup_inserted),
          updated: Number(r.tup_updated),
          statements: statements.size > 0 ? (statements.get(r.datname) ?? 0) : null,
        },
      ]),
    );
  } finally {
    await client.end();
  }
}

/** Forgets pg_stat_statements' counts, so that `topStatements` covers what runs from now. */
export async function resetStatementStats(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await client.query('SELECT pg_stat_statements_reset()');
  } catch {
    // Not loaded: nothing to reset.
  } finally {
    await client.end();
  }
}

/** The statements of `url`'s database that took the most execution time since the reset. */
export async function topStatements(url: string, n: number): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ query: string; calls: string; ms: number; rows: string }>(
      `SELECT s.query, s.calls, s.total_exec_time AS ms, s.rows
         FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
        WHERE d.datname = current_database() AND s.query NOT LIKE $1
        ORDER BY s.total_exec_time DESC LIMIT $2`,
      [`${BENCH_QUERY_MARKER}%`, n],
    );
    return rows.map(
      (r) =>
        `${r.ms.toFixed(0)} ms in ${r.calls} calls (${r.rows} rows): ${r.query.replace(/\s+/g, ' ').slice(0, 140)}`,
    );
  } catch {
    return [];
  } finally {
    await client.end();
  }
}

/**
 * Lets PostgreSQL's background work from earlier phases finish before a phase that measures
 * CPU per event: waits (bounded) until no autovacuum worker runs, then takes a checkpoint.
 * A full run's earlier phases leave hundreds of thousands of dead inbox and outbox rows, and
 * their vacuum would otherwise count as the measured phase's database CPU. Returns what it
 * waited for, to be printed.
 */
export async function settleDatabase(url: string, maxWaitMs = 120_000): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = Date.now();
  try {
    const vacuuming = async (): Promise<string[]> =>
      (
        await client.query<{ what: string }>(
          `${BENCH_QUERY_MARKER} SELECT coalesce(datname, '?') || ': ' || left(query, 60) AS what
             FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'`,
        )
      ).rows.map((r) => r.what);
    const seen = new Set<string>();
    for (;;) {
      const now = await vacuuming();
      for (const w of now) seen.add(w);
      if (now.length === 0 || Date.now() - started > maxWaitMs) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await client.query('CHECKPOINT');
    const waited = ((Date.now() - started) / 1000).toFixed(1);
    return seen.size === 0
      ? `no autovacuum running; checkpoint (${waited} s)`
      : `waited ${waited} s for autovacuum (${[...seen].slice(0, 4).join('; ')}${seen.size > 4 ? '; ...' : ''}), then a checkpoint`;
  } finally {
    await client.end();
  }
}
