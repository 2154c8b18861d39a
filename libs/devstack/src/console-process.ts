import { join } from 'node:path';

import type { PidRegistry } from './pid-registry.js';
import { startServiceProcess, type ServiceProcess } from './service-process.js';
import type { ServiceSpec } from './services.js';

/** The operator console (apps/console): no database, no broker; it watches the services. */
export const CONSOLE_SERVICE = {
  name: 'console',
  entry: 'dist/apps/console/src/main.js',
  port: 3004,
} as const;

/** The environment variable that lists each service's instance URLs for the console. */
const URL_VARIABLES: Record<ServiceSpec['name'], string> = {
  'order-service': 'ORDER_SERVICE_URLS',
  'payment-service': 'PAYMENT_SERVICE_URLS',
  'read-model': 'READ_MODEL_URLS',
};

export interface ConsoleOptions {
  port: number;
  /** Base URLs of every instance of each service. */
  services: Record<ServiceSpec['name'], string[]>;
  registry: PidRegistry;
  runDir: string;
  env?: NodeJS.ProcessEnv;
}

/** Starts the console against running services and waits until it answers. */
export function startConsole(opts: ConsoleOptions): Promise<ServiceProcess> {
  const env: NodeJS.ProcessEnv = { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', ...opts.env };
  for (const [name, urls] of Object.entries(opts.services))
    env[URL_VARIABLES[name as ServiceSpec['name']]] = urls.join(',');
  return startServiceProcess({
    instance: CONSOLE_SERVICE.name,
    entry: CONSOLE_SERVICE.entry,
    port: opts.port,
    env,
    registry: opts.registry,
    logDir: join(opts.runDir, 'logs'),
  });
}
