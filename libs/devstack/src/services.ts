import { SERVICE_NAMES, TOPOLOGY, type ServiceName } from '@app/contracts';

/**
 * The three services as the launcher, the Dockerfile and docker-compose.yml run them: one
 * entry point each, built by `npm run build`; port and database come from the topology.
 */
export interface ServiceSpec {
  name: ServiceName;
  entry: string;
  port: number;
  database: string;
}

export const SERVICES: readonly ServiceSpec[] = SERVICE_NAMES.map((name) => ({
  name,
  entry: `dist/apps/${name}/src/main.js`,
  port: TOPOLOGY[name].port,
  database: TOPOLOGY[name].database,
}));

/** `npm start`'s URL of a service, or the one its `urlEnv` variable names. */
export const serviceUrl = (name: ServiceName, env: NodeJS.ProcessEnv = process.env): string =>
  env[TOPOLOGY[name].urlEnv] ?? `http://127.0.0.1:${TOPOLOGY[name].port}`;
