/** Settings every service reads from its environment (defaults make `npm start` work). */
export interface ServiceConfig {
  name: string;
  port: number;
  databaseUrl: string;
  kafkaBrokers: string[];
  logLevel: string;
}

export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');

export function readServiceConfig(
  name: string,
  defaults: { port: number; database: string },
  env: NodeJS.ProcessEnv = process.env,
): ServiceConfig {
  const port = Number(env.PORT ?? defaults.port);
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) {
    throw new Error(`PORT must be a TCP port number, got ${String(env.PORT)}`);
  }
  return {
    name,
    port,
    databaseUrl:
      env.DATABASE_URL ?? `postgres://postgres:postgres@127.0.0.1:5433/${defaults.database}`,
    kafkaBrokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092')
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}
