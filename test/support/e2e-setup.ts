import { SERVICES, freePort, startStack, type ServiceSpec } from '@app/devstack';
import type { TestProject } from 'vitest/node';

import setupInfra from './global-setup.js';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: {
      urls: Record<string, string>;
      env: Record<string, NodeJS.ProcessEnv>;
      ports: Record<string, number>;
      runDir: string;
    };
  }
}

/** e2e tests share ONE running stack (like a staging environment), on free ports. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stopInfra = await setupInfra(project);
  const ports = Object.fromEntries(
    await Promise.all(SERVICES.map(async (s) => [s.name, await freePort()] as const)),
  ) as Record<ServiceSpec['name'], number>;
  const stack = await startStack({
    profile: 'test',
    ports,
    infraEnv: {
      KAFKA_BROKERS: project.getProvidedContext().brokers.join(','),
      DATABASE_URL: project.getProvidedContext().adminDatabaseUrl,
    },
    log: (line) => console.log(`[e2e stack] ${line}`),
  });
  project.provide('stack', {
    urls: Object.fromEntries(SERVICES.map((s) => [s.name, stack.url(s.name)])),
    env: Object.fromEntries(SERVICES.map((s) => [s.name, stack.envFor(s.name)])),
    ports,
    runDir: stack.infra.runDir,
  });
  return async () => {
    await stack.stop();
    await stopInfra();
  };
}
