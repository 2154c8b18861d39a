import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { startKafkaCluster, type KafkaBroker } from './kafka-broker.js';
import { ensureOsUser, isRoot } from './os-user.js';
import { PidRegistry, isAlive } from './pid-registry.js';
import { reachablePostgresBinaries } from './postgres-binaries.js';
import { startTcpProxy, type TcpProxy } from './chaos/tcp-proxy.js';
import { LauncherError } from './ports.js';
import { createDatabase, startPostgresServer, type PostgresServer } from './postgres-server.js';
import { assertDatabaseAnswers, assertKafkaAnswers } from './preflight.js';
import { runDir } from './project-paths.js';
import { freePort } from './free-port.js';
import { ensureTopics } from './topics.js';

export type Profile = 'dev' | 'test' | 'bench' | 'smoke';

/** Fixed ports per profile, so none collides with `npm start` (tests take free ports). */
const PORTS: Record<
  Exclude<Profile, 'test'>,
  { kafka: number; controller: number; postgres: number }
> = {
  dev: { kafka: 9092, controller: 9093, postgres: 5433 },
  bench: { kafka: 29092, controller: 29093, postgres: 25433 },
  // The launcher's own end-to-end check (start, Ctrl-C, nothing left running).
  smoke: { kafka: 39092, controller: 39093, postgres: 35433 },
};

export interface Infra {
  readonly profile: Profile;
  readonly brokers: string[];
  /** A URL for the named database on the cluster (created by ensureDatabase). */
  databaseUrl(database: string): string;
  ensureDatabase(database: string): Promise<string>;
  /** Present only when this launcher started the broker(s) (not with KAFKA_BROKERS). */
  readonly kafka?: KafkaBroker;
  /** Kafka nodes this launcher started: 1 (the default) or 3 (`--brokers 3`, KAFKA_NODES=3). */
  readonly kafkaNodes: number;
  /** What the services bootstrap from: the proxies with `proxiedKafka`, else `brokers`. */
  readonly serviceBrokers: string[];
  /** With `proxiedKafka`: the TCP proxy in front of each node, in node order. */
  readonly kafkaProxies: TcpProxy[];
  /** Present only when this launcher started PostgreSQL (not with DATABASE_URL). */
  readonly postgres?: PostgresServer;
  readonly registry: PidRegistry;
  readonly runDir: string;
  stop(): Promise<void>;
}

export interface StartInfraOptions {
  profile: Profile;
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** 1 (the fast default) or 3: a replicated KRaft cluster. Defaults to env KAFKA_NODES. */
  kafkaNodes?: number;
  /**
   * Puts a TCP proxy in front of each node (a PROXIED listener advertised at the proxy) and
   * hands the services the proxies' addresses, so faults between them and a broker can be
   * injected (the nemesis). Test profile only.
   */
  proxiedKafka?: boolean;
}

/** Pid files of Kafka nodes: `kafka` (one broker) or `kafka-<id>` (a cluster). */
export const isKafkaRecord = (name: string): boolean =>
  name === 'kafka' || /^kafka-\d+$/.test(name);

/** The node count asked for (option, then KAFKA_NODES); only 1 and 3 make sense. */
export function kafkaNodeCount(requested: number | string | undefined): number {
  const n = Number(requested ?? 1);
  if (n !== 1 && n !== 3)
    throw new LauncherError(`--brokers/KAFKA_NODES must be 1 or 3, not ${String(requested)}`);
  return n;
}

/**
 * Starts (or attaches to) one PostgreSQL and one Kafka broker for a profile.
 * KAFKA_BROKERS and DATABASE_URL (any database on the target server) skip the start.
 */
export async function startInfra(opts: StartInfraOptions): Promise<Infra> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => undefined);
  // Everything that can be checked is checked before anything starts: a wrong KAFKA_BROKERS
  // or DATABASE_URL, or a PostgreSQL its OS user cannot reach, must not leave a broker or a
  // database behind.
  await checkBeforeStarting(env);
  // Test runs may overlap (two terminals, parallel agents): each gets its own folder and
  // free ports, and only the folders of launchers that no longer run are reaped.
  const isolated = opts.profile === 'test';
  if (isolated) await reapOrphanedRuns(runDir(opts.profile), log);
  const dir = isolated ? join(runDir(opts.profile), String(process.pid)) : runDir(opts.profile);
  mkdirSync(dir, { recursive: true });
  const registry = new PidRegistry(dir);
  try {
    return await startOrAttach(opts, env, log, dir, registry);
  } catch (error) {
    // Whatever started before the failure, and whatever was still starting.
    // The run folder stays: the error names a log in it (the next test run reaps it).
    await registry.stopAll();
    throw error;
  }
}

async function checkBeforeStarting(env: NodeJS.ProcessEnv): Promise<void> {
  await Promise.all([
    env.KAFKA_BROKERS
      ? assertKafkaAnswers(env.KAFKA_BROKERS.split(',').filter(Boolean), 'KAFKA_BROKERS')
      : undefined,
    env.DATABASE_URL ? assertDatabaseAnswers(env.DATABASE_URL, 'DATABASE_URL') : undefined,
  ]);
  if (!env.DATABASE_URL) reachablePostgresBinaries(isRoot() ? ensureOsUser('postgres') : undefined);
}

async function startOrAttach(
  opts: StartInfraOptions,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
  dir: string,
  registry: PidRegistry,
): Promise<Infra> {
  const isolated = opts.profile === 'test';
  // Reap only what this call owns: attaching to a broker or database (KAFKA_BROKERS,
  // DATABASE_URL) must never touch the processes of the launcher that started them.
  const owned = (name: string): boolean =>
    isKafkaRecord(name)
      ? !env.KAFKA_BROKERS
      : name === 'postgres'
        ? !env.DATABASE_URL
        : !env.KAFKA_BROKERS && !env.DATABASE_URL;
  for (const stale of await registry.reapStale((e) => owned(e.name))) {
    log(`stopped ${stale.name} (pid ${stale.pid}) left running by an earlier, interrupted run`);
  }
  const ports = isolated
    ? { kafka: await freePort(), controller: await freePort(), postgres: await freePort() }
    : PORTS[opts.profile as Exclude<Profile, 'test'>];
  const kafkaPort = Number(env.KAFKA_PORT ?? ports.kafka);
  const controllerPort = Number(env.KAFKA_CONTROLLER_PORT ?? ports.controller);
  const kafkaNodes = kafkaNodeCount(opts.kafkaNodes ?? env.KAFKA_NODES);
  // Node 1 keeps the profile's ports; in a fixed profile nodes 2 and 3 take the next pairs
  // (dev: 9094/9095, 9096/9097), in the test profile free ones.
  const nodePorts = await Promise.all(
    Array.from({ length: kafkaNodes }, async (_, i) =>
      i === 0
        ? { port: kafkaPort, controllerPort }
        : isolated
          ? { port: await freePort(), controllerPort: await freePort() }
          : { port: kafkaPort + 2 * i, controllerPort: controllerPort + 2 * i },
    ),
  );
  const nodes = await Promise.all(
    nodePorts.map(async (n) =>
      opts.proxiedKafka
        ? {
            ...n,
            proxiedListener: { listenPort: await freePort(), advertisedPort: await freePort() },
          }
        : n,
    ),
  );

  const [kafkaStart, postgresStart] = await Promise.allSettled([
    env.KAFKA_BROKERS
      ? Promise.resolve(undefined)
      : startKafkaCluster({
          nodes,
          workDir: join(dir, 'kafka'),
          registry,
          log,
        }),
    env.DATABASE_URL
      ? Promise.resolve(undefined)
      : startPostgresServer({
          port: Number(env.PG_PORT ?? ports.postgres),
          profile: opts.profile,
          registry,
          log,
          statementStats: opts.profile === 'bench',
        }),
  ]);
  // Both are awaited to the end even when one fails (allSettled): a PostgreSQL still
  // starting when the broker failed must be recorded before the caller stops everything.
  const failed = [kafkaStart, postgresStart].find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  const kafka = kafkaStart.status === 'fulfilled' ? kafkaStart.value : undefined;
  const postgres = postgresStart.status === 'fulfilled' ? postgresStart.value : undefined;

  const brokers = kafka?.brokers ?? (env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  const kafkaProxies = await Promise.all(
    nodes.flatMap((n) =>
      kafka && 'proxiedListener' in n
        ? [
            startTcpProxy({
              listenPort: n.proxiedListener.advertisedPort,
              targetPort: n.proxiedListener.listenPort,
            }),
          ]
        : [],
    ),
  );
  await ensureTopics(brokers, undefined, undefined, {
    replicationFactor: kafka?.replicationFactor ?? 1,
    minInsyncReplicas: kafka?.minInsyncReplicas ?? 1,
  });

  const databaseUrl = (database: string): string => {
    if (postgres) return postgres.urlFor(database);
    const url = new URL(env.DATABASE_URL as string);
    url.pathname = `/${database}`;
    return url.toString();
  };
  const infoFile = join(dir, 'infra.json');
  writeFileSync(
    infoFile,
    JSON.stringify({ brokers, adminUrl: databaseUrl('postgres'), pid: process.pid }, null, 2),
  );

  let stopped = false;
  return {
    profile: opts.profile,
    brokers,
    databaseUrl,
    ensureDatabase: async (database) => {
      await createDatabase(databaseUrl('postgres'), database);
      return databaseUrl(database);
    },
    kafka,
    kafkaNodes: kafka?.nodes.length ?? brokers.length,
    serviceBrokers: kafka?.proxiedBrokers ?? brokers,
    kafkaProxies,
    postgres,
    registry,
    runDir: dir,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      // Kafka first: services are stopped by their owner before this is called.
      await Promise.all(kafkaProxies.map((p) => p.close()));
      await kafka?.stop();
      await postgres?.destroy();
      rmSync(infoFile, { force: true });
      if (isolated && registry.list().length === 0) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Stops what crashed earlier test runs left behind (their launcher pid is gone). */
async function reapOrphanedRuns(parent: string, log: (line: string) => void): Promise<void> {
  if (!existsSync(parent)) return;
  for (const name of readdirSync(parent)) {
    const owner = Number(name);
    if (!Number.isInteger(owner) || isAlive(owner)) continue;
    const orphan = new PidRegistry(join(parent, name));
    for (const stale of await orphan.reapStale()) {
      log(`stopped ${stale.name} (pid ${stale.pid}) left running by an interrupted test run`);
    }
    orphan.close();
    rmSync(join(parent, name), { recursive: true, force: true });
  }
}
