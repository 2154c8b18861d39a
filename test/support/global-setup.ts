import { PidRegistry, startInfra, type Infra } from '@app/devstack';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    brokers: string[];
    adminDatabaseUrl: string;
  }
}

/**
 * One broker and one PostgreSQL per test run. `npm test` starts them once for every tier
 * and passes KAFKA_BROKERS / DATABASE_URL, so here they are only attached to; running a
 * tier alone (`npm run test:int`) starts them here and stops them at the end.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Several projects (int, e2e) list this setup; within one vitest process they share it.
  const shared = globalThis as { __orderlogInfra?: Promise<Infra> };
  const first = !shared.__orderlogInfra;
  // Interrupted (SIGTERM, Ctrl-C), vitest exits without its teardown: what this run started
  // still gets its stop signal, by pid, as the process exits.
  PidRegistry.stopEverythingAtExit();
  shared.__orderlogInfra ??= startInfra({
    profile: 'test',
    log: (line) => console.log(`[infra] ${line}`),
  });
  const infra = await shared.__orderlogInfra;
  project.provide('brokers', infra.brokers);
  project.provide('adminDatabaseUrl', infra.databaseUrl('postgres'));
  return async () => {
    if (first) await infra.stop();
  };
}
