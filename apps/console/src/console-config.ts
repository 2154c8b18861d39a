import { SERVICE_NAMES, TOPOLOGY, type ServiceName } from '@app/contracts';

/** The services the console watches, in the order the page shows them. */
export const WATCHED_SERVICES: readonly ServiceName[] = SERVICE_NAMES;
export type WatchedService = ServiceName;

/** Settings the console reads from its environment (defaults match `npm start`). */
export interface ConsoleConfig {
  name: 'console';
  port: number;
  logLevel: string;
  /** Base URLs of every instance of each service (several when a service is scaled out). */
  services: Record<WatchedService, string[]>;
  /** How often the services' /metrics are scraped while a page is open. */
  pollIntervalMs: number;
  /** The convergence SLO of the README: 99 % of events take effect within this many seconds. */
  sloSeconds: number;
}

export const CONSOLE_CONFIG = Symbol('CONSOLE_CONFIG');

/**
 * Each service's URL comes from the topology's variable (`ORDER_SERVICE_URL`, …), which the
 * tools read too; for the console it may list several instances, comma-separated.
 */
export function readConsoleConfig(env: NodeJS.ProcessEnv = process.env): ConsoleConfig {
  const port = Number(env.PORT ?? 3004);
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) {
    throw new Error(`PORT must be a TCP port number, got ${String(env.PORT)}`);
  }
  const services = Object.fromEntries(
    WATCHED_SERVICES.map((name) => {
      const { urlEnv, port: defaultPort } = TOPOLOGY[name];
      const urls = (env[urlEnv] ?? `http://127.0.0.1:${defaultPort}`)
        .split(',')
        .map((url) => url.trim().replace(/\/+$/, ''))
        .filter(Boolean);
      if (urls.length === 0) throw new Error(`${urlEnv} names no URL`);
      return [name, urls];
    }),
  ) as Record<WatchedService, string[]>;
  return {
    name: 'console',
    port,
    logLevel: env.LOG_LEVEL ?? 'info',
    services,
    pollIntervalMs: Number(env.CONSOLE_POLL_MS ?? 1000),
    sloSeconds: Number(env.SLO_SECONDS ?? 2),
  };
}
