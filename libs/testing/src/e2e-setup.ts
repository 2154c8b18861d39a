import type { TestProject } from 'vitest/node';

import setupInfra from './global-setup.js';
import { SERVICES } from './services.js';
import { startStack } from './stack.js';

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

/** e2e tests share ONE running stack (like a staging environment) on ports 3101-3103. */
export const E2E_PORT_OFFSET = 100;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stopInfra = await setupInfra(project);
  const stack = await startStack({
    profile: 'test',
    portOffset: E2E_PORT_OFFSET,
    infraEnv: {
      KAFKA_BROKERS: project.getProvidedContext().brokers.join(','),
      DATABASE_URL: project.getProvidedContext().adminDatabaseUrl,
    },
    log: (line) => console.log(`[e2e stack] ${line}`),
  });
  project.provide('stack', {
    urls: Object.fromEntries(SERVICES.map((s) => [s.name, stack.url(s.name)])),
    env: Object.fromEntries(SERVICES.map((s) => [s.name, stack.envFor(s.name)])),
    ports: Object.fromEntries(SERVICES.map((s) => [s.name, s.port + E2E_PORT_OFFSET])),
    runDir: stack.infra.runDir,
  });
  return async () => {
    await stack.stop();
    await stopInfra();
  };
}
