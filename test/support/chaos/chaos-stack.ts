import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { SERVICE_NAMES, type ServiceName } from '@app/contracts';
import {
  ADMIN_TOKEN_DEFAULT,
  PidRegistry,
  SERVICES,
  freePort,
  projectRoot,
  startServiceProcess,
  startStack,
  waitForExit,
  type AuditTargets,
  type ServiceProcess,
  type Stack,
} from '@app/devstack';

export type { ServiceName };

export interface Instance {
  /** Unique per process: `payment-service`, `payment-service-2`, … */
  readonly name: string;
  readonly service: ServiceName;
  readonly proc: ServiceProcess;
}

export interface StartOptions {
  instance?: string;
  /** Defaults to a free port (the primary instance keeps its own). */
  port?: number;
  /** Added to the stack's environment for this service (fault switches, KAFKA_BROKERS). */
  env?: NodeJS.ProcessEnv;
}

/**
 * A stack of its own for one chaos spec: its own PostgreSQL and Kafka (never the broker of
 * `npm test`, whose KAFKA_BROKERS/DATABASE_URL are in the environment), the three services on
 * free ports, and control of every service instance by pid.
 */
export interface ChaosStack {
  readonly stack: Stack;
  readonly brokers: string[];
  /** The API of a service: its primary instance, or another live one when that is down. */
  url(service: ServiceName): string;
  /** Live instances (started and not yet stopped or killed through this object). */
  instances(service?: ServiceName): Instance[];
  instance(name: string): Instance;
  start(service: ServiceName, opts?: StartOptions): Promise<Instance>;
  /**
   * Starts an instance that is meant to kill itself (a failpoint) and resolves once it is
   * dead, whether that happened before or after it became ready.
   */
  startDoomed(
    service: ServiceName,
    opts: StartOptions & { instance: string; timeoutMs?: number },
  ): Promise<{ pid: number; logFile: string }>;
  /** Resolves once a live instance has died by itself (a failpoint), and forgets it. */
  awaitDeath(name: string, timeoutMs?: number): Promise<{ pid: number; logFile: string }>;
  /** SIGKILL: no shutdown hooks, no offset commit, no lock release but the socket's. */
  kill(name: string): Promise<void>;
  /** SIGTERM: graceful shutdown. */
  stop(name: string): Promise<void>;
  /** Stops the primary and starts it again on its port with `env` (or without faults). */
  replace(service: ServiceName, env?: NodeJS.ProcessEnv): Promise<Instance>;
  databaseUrl(service: ServiceName): string;
  auditTargets(): AuditTargets;
  /** Stops everything; copies the run's logs to .test-results/chaos/logs/<scenario>/. */
  close(): Promise<void>;
}

export interface ChaosStackOptions {
  scenario: string;
  /** Extra environment per service for the primaries. */
  env?: Partial<Record<ServiceName, NodeJS.ProcessEnv>>;
  /** Attach to this broker (started by the spec) instead of starting one. */
  brokers?: string[];
  /** Log files to keep with the run's logs (e.g. the log of a broker the spec started). */
  extraLogs?: string[];
  /** 3: the replicated three-node KRaft cluster instead of one broker. */
  kafkaNodes?: number;
}

/**
 * The launcher's PostgreSQL runs with synchronous_commit=off, so an immediate shutdown
 * (crash()) forgets transactions it already acknowledged: an order answered 201, published
 * by the relay, is gone after recovery. A real server keeps them, so every session of the
 * chaos stack's services commits synchronously (node-postgres reads PGOPTIONS). fsync=off
 * stays: a process crash does not lose what was written to the OS.
 */
const DURABLE_COMMITS = '-c synchronous_commit=on';

export async function startChaosStack(opts: ChaosStackOptions): Promise<ChaosStack> {
  const ports = Object.fromEntries(
    await Promise.all(SERVICES.map(async (s) => [s.name, await freePort()] as const)),
  ) as Record<ServiceName, number>;
  const env = Object.fromEntries(
    SERVICES.map((s) => [s.name, { PGOPTIONS: DURABLE_COMMITS, ...opts.env?.[s.name] }]),
  );
  // Its runner stopped (SIGTERM, Ctrl-C), this worker exits and its stack gets its stop
  // signals by pid on the way out, instead of outliving the run.
  PidRegistry.stopEverythingAtExit({ exitOnSignals: true });
  const stack = await startStack({
    profile: 'test',
    ports,
    env,
    // Empty on purpose: the chaos stack kills and restarts its infrastructure, so it must
    // never attach to the shared broker and database named in the environment.
    infraEnv: opts.brokers ? { KAFKA_BROKERS: opts.brokers.join(',') } : {},
    kafkaNodes: opts.kafkaNodes ?? 1,
    log: (line) => console.log(`[chaos ${opts.scenario}] ${line}`),
  });
  const live = new Map<string, Instance>();
  for (const [service, proc] of stack.services) live.set(service, { name: service, service, proc });
  const entryOf = (service: ServiceName): string => SERVICES.find((s) => s.name === service)!.entry;
  let serial = 1;

  const start = async (service: ServiceName, o: StartOptions = {}): Promise<Instance> => {
    serial += 1;
    const name = o.instance ?? `${service}-${serial}`;
    const proc = await startServiceProcess({
      instance: name,
      entry: entryOf(service),
      port: o.port ?? (name === service ? ports[service] : await freePort()),
      env: { ...stack.envFor(service), ...o.env },
      registry: stack.infra.registry,
      logDir: join(stack.infra.runDir, 'logs'),
    });
    const instance = { name, service, proc };
    live.set(name, instance);
    console.log(`[chaos ${opts.scenario}] ${name} ready on ${proc.url} (pid ${proc.pid})`);
    return instance;
  };
  const instance = (name: string): Instance => {
    const found = live.get(name);
    if (!found) throw new Error(`no live instance ${name}`);
    return found;
  };
  const end = async (name: string, how: 'kill' | 'stop'): Promise<void> => {
    const found = instance(name);
    live.delete(name);
    await found.proc[how]();
  };
  const url = (service: ServiceName): string => {
    const found = live.get(service) ?? [...live.values()].find((i) => i.service === service);
    if (!found) throw new Error(`no live instance of ${service}`);
    return found.proc.url;
  };

  const startDoomed = async (
    service: ServiceName,
    o: StartOptions & { instance: string; timeoutMs?: number },
  ): Promise<{ pid: number; logFile: string }> => {
    let pid: number;
    try {
      pid = (await start(service, o)).proc.pid;
    } catch (error) {
      // It may die before its first readiness answer; the registry still names its pid.
      const entry = stack.infra.registry.list().find((e) => e.name === o.instance);
      if (!entry) throw error;
      pid = entry.pid;
    }
    return died(o.instance, pid, o.timeoutMs);
  };
  const died = async (
    name: string,
    pid: number,
    timeoutMs = 60_000,
  ): Promise<{ pid: number; logFile: string }> => {
    if (!(await waitForExit(pid, timeoutMs))) {
      throw new Error(`${name} (pid ${pid}) did not kill itself within ${timeoutMs} ms`);
    }
    live.delete(name);
    stack.infra.registry.forget(name, pid);
    return { pid, logFile: join(stack.infra.runDir, 'logs', `${name}.log`) };
  };

  return {
    stack,
    brokers: stack.infra.brokers,
    url,
    instances: (service) => [...live.values()].filter((i) => !service || i.service === service),
    instance,
    start,
    startDoomed,
    awaitDeath: (name, timeoutMs) => died(name, instance(name).proc.pid, timeoutMs),
    kill: (name) => end(name, 'kill'),
    stop: (name) => end(name, 'stop'),
    replace: async (service, env) => {
      if (live.has(service)) await end(service, 'stop');
      return start(service, { instance: service, port: ports[service], env });
    },
    databaseUrl: (service) => stack.envFor(service).DATABASE_URL!,
    auditTargets: () => ({
      urls: Object.fromEntries(SERVICE_NAMES.map((s) => [s, url(s)])) as Record<
        ServiceName,
        string
      >,
      brokers: stack.infra.brokers,
      adminToken: stack.envFor('read-model').ADMIN_TOKEN ?? ADMIN_TOKEN_DEFAULT,
    }),
    close: async () => {
      try {
        for (const i of live.values()) await i.proc.stop();
        live.clear();
      } finally {
        const logs = join(stack.infra.runDir, 'logs');
        const kafkaLog = join(stack.infra.runDir, 'kafka', 'broker.log');
        const keep = join(projectRoot(), '.test-results', 'chaos', 'logs', opts.scenario);
        mkdirSync(keep, { recursive: true });
        if (existsSync(logs)) cpSync(logs, keep, { recursive: true });
        if (existsSync(kafkaLog)) cpSync(kafkaLog, join(keep, 'kafka-broker.log'));
        for (const node of stack.infra.kafka?.nodes ?? [])
          if (existsSync(node.logFile)) cpSync(node.logFile, join(keep, `${node.name}.log`));
        for (const file of opts.extraLogs ?? [])
          if (existsSync(file)) cpSync(file, join(keep, basename(dirname(file)) + '.log'));
        await stack.stop();
      }
    },
  };
}
