/** The services the console watches, in the order the page shows them. */
export const WATCHED_SERVICES = ['order-service', 'payment-service', 'read-model'] as const;
export type WatchedService = (typeof WATCHED_SERVICES)[number];

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

const URL_VARIABLES: Record<WatchedService, { variable: string; port: number }> = {
  'order-service': { variable: 'ORDER_SERVICE_URLS', port: 3001 },
  'payment-service': { variable: 'PAYMENT_SERVICE_URLS', port: 3002 },
  'read-model': { variable: 'READ_MODEL_URLS', port: 3003 },
};

export function readConsoleConfig(env: NodeJS.ProcessEnv = process.env): ConsoleConfig {
  const port = Number(env.PORT ?? 3004);
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) {
    throw new Error(`PORT must be a TCP port number, got ${String(env.PORT)}`);
  }
  const services = Object.fromEntries(
    WATCHED_SERVICES.map((name) => {
      const { variable, port: defaultPort } = URL_VARIABLES[name];
      const urls = (env[variable] ?? `http://127.0.0.1:${defaultPort}`)
        .split(',')
        .map((url) => url.trim().replace(/\/+$/, ''))
        .filter(Boolean);
      if (urls.length === 0) throw new Error(`${variable} names no URL`);
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

/** The variable that lists a service's instance URLs (for the launcher and compose). */
export const urlVariableOf = (service: WatchedService): string => URL_VARIABLES[service].variable;
