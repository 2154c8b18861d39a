import { join } from 'node:path';

import { freePort } from './free-port.js';
import { isKafkaRecord, startInfra, type Infra, type Profile } from './infra.js';
import { SERVICES, type ServiceSpec } from './services.js';
import { startServiceProcess, type ServiceProcess } from './service-process.js';

export interface StackOptions {
  profile: Profile;
  log?: (line: string) => void;
  /** Extra environment per service (e.g. fault-injection switches in tests). */
  env?: Partial<Record<ServiceSpec['name'], NodeJS.ProcessEnv>>;
  /** Port offset so a test stack never collides with `npm start` (dev uses 3001-3003). */
  portOffset?: number;
  /** Explicit ports per service (win over portOffset). */
  ports?: Partial<Record<ServiceSpec['name'], number>>;
  /** Environment for the infrastructure (KAFKA_BROKERS / DATABASE_URL attach to existing ones). */
  infraEnv?: NodeJS.ProcessEnv;
  /** Kafka nodes: 1 (default) or 3 (a replicated cluster); defaults to env KAFKA_NODES. */
  kafkaNodes?: number;
  /**
   * Instances per service (default 1). Extra ones are named `<service>-2`, … and listen on
   * the primary's port + 10, + 20, … (or free ports with explicit `ports`); all of a service's
   * instances share its database and consumer group, and one relay among them publishes.
   */
  instances?: Partial<Record<ServiceSpec['name'], number>>;
  /** Services reach Kafka through a TCP proxy per node (see StartInfraOptions.proxiedKafka). */
  proxiedKafka?: boolean;
}

export interface Stack {
  readonly infra: Infra;
  /** The primary instance of each service. */
  readonly services: Map<ServiceSpec['name'], ServiceProcess>;
  /** Every instance the stack started, by instance name (primaries included). */
  readonly instances: Map<string, ServiceProcess>;
  url(service: ServiceSpec['name']): string;
  /** Starts (another instance of) a service against the stack's infra. */
  startService(
    name: ServiceSpec['name'],
    instance?: string,
    portOverride?: number,
  ): Promise<ServiceProcess>;
  envFor(name: ServiceSpec['name']): NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export const ADMIN_TOKEN_DEFAULT = 'dev-admin-token';

/** PostgreSQL + Kafka + the three services, each started and later stopped by pid. */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const log = opts.log ?? (() => undefined);
  const infra = await startInfra({
    profile: opts.profile,
    log,
    env: opts.infraEnv,
    kafkaNodes: opts.kafkaNodes,
    proxiedKafka: opts.proxiedKafka,
  });
  const services = new Map<ServiceSpec['name'], ServiceProcess>();
  const instances = new Map<string, ServiceProcess>();
  const offset = opts.portOffset ?? 0;
  const portOf = (name: ServiceSpec['name']): number =>
    opts.ports?.[name] ?? specOf(name).port + offset;
  const specOf = (name: ServiceSpec['name']): ServiceSpec => SERVICES.find((s) => s.name === name)!;

  const envFor = (name: ServiceSpec['name']): NodeJS.ProcessEnv => ({
    DATABASE_URL: infra.databaseUrl(specOf(name).database),
    KAFKA_BROKERS: infra.serviceBrokers.join(','),
    ADMIN_TOKEN: process.env.ADMIN_TOKEN ?? ADMIN_TOKEN_DEFAULT,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    ...opts.env?.[name],
  });

  const startService = async (
    name: ServiceSpec['name'],
    instance: string = name,
    portOverride?: number,
  ): Promise<ServiceProcess> => {
    const spec = specOf(name);
    await infra.ensureDatabase(spec.database);
    const proc = await startServiceProcess({
      instance,
      entry: spec.entry,
      port: portOverride ?? portOf(name),
      env: envFor(name),
      registry: infra.registry,
      logDir: join(infra.runDir, 'logs'),
    });
    if (instance === name) services.set(name, proc);
    instances.set(instance, proc);
    log(`${instance} ready on ${proc.url} (pid ${proc.pid}, log ${proc.logFile})`);
    return proc;
  };

  try {
    // One at a time: three Nest boots at once on two cores only slow each other down.
    for (const spec of SERVICES) await startService(spec.name);
    for (const spec of SERVICES) {
      for (let k = 2; k <= (opts.instances?.[spec.name] ?? 1); k += 1) {
        const port = opts.ports?.[spec.name] ? await freePort() : portOf(spec.name) + 10 * (k - 1);
        await startService(spec.name, `${spec.name}-${k}`, port);
      }
    }
  } catch (error) {
    for (const proc of instances.values()) await proc.stop();
    await infra.stop();
    throw error;
  }

  let stopped = false;
  return {
    infra,
    services,
    instances,
    url: (name) => services.get(name)?.url ?? `http://127.0.0.1:${portOf(name)}`,
    startService,
    envFor,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await Promise.all([...instances.values()].map((p) => p.stop()));
      // Anything else this profile started (extra instances) is still in the registry.
      await infra.registry.reapStale((e) => !isKafkaRecord(e.name) && e.name !== 'postgres');
      await infra.stop();
    },
  };
}
