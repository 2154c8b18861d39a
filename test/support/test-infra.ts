import { createDatabase } from '@app/devstack';
import { inject } from 'vitest';

/** What a spec gets: the run's broker and a fresh database of its own. */
export const testBrokers = (): string[] => inject('brokers');

export async function freshDatabase(prefix: string): Promise<string> {
  const admin = inject('adminDatabaseUrl');
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`
    .replaceAll(/[^a-z0-9_]/g, '_')
    .toLowerCase();
  await createDatabase(admin, name);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}
