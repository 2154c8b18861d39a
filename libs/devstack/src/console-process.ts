import { join } from 'node:path';

import { TOPOLOGY, type ServiceName } from '@app/contracts';

import type { PidRegistry } from './pid-registry.js';
import { startServiceProcess, type ServiceProcess } from './service-process.js';

/** The operator console (apps/console): no database, no broker; it watches the services. */
export const CONSOLE_SERVICE = {
  name: 'console',
  entry: 'dist/apps/console/src/main.js',
  port: 3004,
} as const;

export interface ConsoleOptions {
  port: number;
  /** Base URLs of every instance of each service. */
  services: Record<ServiceName, string[]>;
  registry: PidRegistry;
  runDir: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts the console against running services and waits until it answers. Each service's
 * instances go into the topology's URL variable, comma-separated.
 */
export function startConsole(opts: ConsoleOptions): Promise<ServiceProcess> {
  const env: NodeJS.ProcessEnv = { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', ...opts.env };
  for (const [name, urls] of Object.entries(opts.services))
    env[TOPOLOGY[name as ServiceName].urlEnv] = urls.join(',');
  return startServiceProcess({
    instance: CONSOLE_SERVICE.name,
    entry: CONSOLE_SERVICE.entry,
    port: opts.port,
    env,
    registry: opts.registry,
    logDir: join(opts.runDir, 'logs'),
  });
}
