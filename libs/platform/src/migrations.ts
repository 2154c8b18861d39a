import type { DataSource } from 'typeorm';

// Several instances of a service may start at once (scale-out, rebalance tests); TypeORM
// takes no lock of its own, so migrations run under a session advisory lock.
const MIGRATION_LOCK_KEY = 727_002;

export async function runMigrationsLocked(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await dataSource.runMigrations({ transaction: 'all' });
  } finally {
    await runner
      .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
      .catch(() => undefined);
    await runner.release();
  }
}
