import { spawn } from 'node:child_process';
import { mkdirSync, openSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { join } from 'node:path';

import { Kafka, logLevel } from 'kafkajs';

import { ensureKafkaClasspath, javaCommand } from './kafka-runtime.js';
import { type PidRegistry, isAlive, signal, waitForExit } from './pid-registry.js';
import { LauncherError, assertPortFree } from './ports.js';
import { runToCompletion } from './run-to-completion.js';

export interface KafkaBrokerOptions {
  port: number;
  controllerPort: number;
  workDir: string;
  registry: PidRegistry;
  heapMb?: number;
  log?: (line: string) => void;
  /**
   * A second listener, PROXIED on 127.0.0.1:listenPort, advertised as
   * 127.0.0.1:advertisedPort (where a test's TCP proxy listens and forwards to listenPort).
   * A client that bootstraps through the proxy is told to use the proxy for every later
   * connection too, so it stays behind it; other clients keep using `brokers`.
   */
  proxiedListener?: { listenPort: number; advertisedPort: number };
}

export interface KafkaBroker {
  readonly brokers: string[];
  /** The bootstrap address through the proxy, when started with `proxiedListener`. */
  readonly proxiedBrokers?: string[];
  readonly pid: number;
  readonly logFile: string;
  /** Graceful stop (SIGTERM, then SIGKILL after a grace period). */
  stop(): Promise<void>;
  /** Crash it (SIGKILL), as fault tests do. */
  kill(): Promise<void>;
  /** Start it again on the same storage (after stop or kill). */
  restart(): Promise<void>;
}

/** A single-node KRaft broker (broker + controller in one JVM) on loopback. */
export async function startKafkaBroker(opts: KafkaBrokerOptions): Promise<KafkaBroker> {
  const log = opts.log ?? (() => undefined);
  await assertPortFree(opts.port, 'the Kafka broker (KAFKA_BROKERS)');
  await assertPortFree(opts.controllerPort, 'the Kafka controller (KAFKA_BROKERS)');
  if (opts.proxiedListener) {
    await assertPortFree(opts.proxiedListener.listenPort, "the Kafka broker's proxied listener");
  }
  const classpath = join(ensureKafkaClasspath(log), '*');

  const dataDir = join(opts.workDir, 'data');
  rmSync(opts.workDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const config = join(opts.workDir, 'server.properties');
  const log4j = join(opts.workDir, 'log4j2.properties');
  const logFile = join(opts.workDir, 'broker.log');
  writeFileSync(
    config,
    serverProperties(opts.port, opts.controllerPort, dataDir, opts.proxiedListener),
  );
  writeFileSync(log4j, LOG4J2);

  const java = (mainClass: string, args: string[], heapMb: number): string[] => [
    `-Xms${Math.min(128, heapMb)}m`,
    `-Xmx${heapMb}m`,
    '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${log4j}`,
    '-cp',
    classpath,
    mainClass,
    ...args,
  ];

  const clusterId = randomClusterId();
  await runToCompletion(
    `Kafka's storage format (${javaCommand()})`,
    javaCommand(),
    java('kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', config], 256),
    {},
    { registry: opts.registry, name: 'kafka-format', marker: config },
  );

  const brokers = [`127.0.0.1:${opts.port}`];
  let pid = 0;

  const launch = async (): Promise<void> => {
    const out = openSync(logFile, 'a');
    const child = spawn(javaCommand(), java('kafka.Kafka', [config], opts.heapMb ?? 512), {
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    // A failed spawn (no java, not executable) is an 'error' event, never an exception.
    const spawnFailed = new Promise<never>((_, reject) =>
      child.once('error', (error) =>
        reject(new LauncherError(`the Kafka broker could not be started: ${error.message}`)),
      ),
    );
    spawnFailed.catch(() => undefined);
    child.unref();
    pid = child.pid ?? 0;
    if (pid) opts.registry.record({ name: 'kafka', pid, marker: config });
    // No pid: the spawn failed, and its 'error' event says why.
    await (pid
      ? Promise.race([spawnFailed, waitUntilServing(brokers, pid, logFile, 60_000)])
      : spawnFailed);
    log(`kafka ready on ${brokers.join(',')} (pid ${pid})`);
  };

  const terminate = async (sig: NodeJS.Signals): Promise<void> => {
    if (!pid || !isAlive(pid)) return;
    signal(pid, sig);
    if (!(await waitForExit(pid, 30_000))) {
      signal(pid, 'SIGKILL');
      await waitForExit(pid, 10_000);
    }
    opts.registry.forget('kafka', pid);
  };

  await launch();
  return {
    brokers,
    proxiedBrokers: opts.proxiedListener && [`127.0.0.1:${opts.proxiedListener.advertisedPort}`],
    get pid() {
      return pid;
    },
    logFile,
    stop: () => terminate('SIGTERM'),
    kill: () => terminate('SIGKILL'),
    restart: async () => {
      await terminate('SIGTERM');
      await launch();
    },
  };
}

/** Ready means it answers a metadata request through the client the services use. */
async function waitUntilServing(
  brokers: string[],
  pid: number,
  logFile: string,
  timeoutMs: number,
): Promise<void> {
  const kafka = new Kafka({
    clientId: 'launcher-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 1000,
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) {
      throw new LauncherError(`the Kafka broker exited during start-up; see ${logFile}`);
    }
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0 && cluster.controller !== null) return;
    } catch {
      // not yet
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new LauncherError(`the Kafka broker did not serve within ${timeoutMs} ms; see ${logFile}`);
}

function randomClusterId(): string {
  // KRaft cluster ids are 16 random bytes in URL-safe base64 without padding. One that starts
  // with '-' reads as an option to the storage tool ("--cluster-id: expected one argument"),
  // so, like Kafka's own Uuid.randomUuid(), draw again (1 start in 64 failed before).
  for (;;) {
    const id = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function serverProperties(
  port: number,
  controllerPort: number,
  dataDir: string,
  proxied?: KafkaBrokerOptions['proxiedListener'],
): string {
  const listeners = [`PLAINTEXT://127.0.0.1:${port}`, `CONTROLLER://127.0.0.1:${controllerPort}`];
  const advertised = [`PLAINTEXT://127.0.0.1:${port}`];
  const protocols = ['PLAINTEXT:PLAINTEXT', 'CONTROLLER:PLAINTEXT'];
  if (proxied) {
    listeners.push(`PROXIED://127.0.0.1:${proxied.listenPort}`);
    advertised.push(`PROXIED://127.0.0.1:${proxied.advertisedPort}`);
    protocols.push('PROXIED:PLAINTEXT');
  }
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    'controller.listener.names=CONTROLLER',
    `listeners=${listeners.join(',')}`,
    `advertised.listeners=${advertised.join(',')}`,
    `listener.security.protocol.map=${protocols.join(',')}`,
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${dataDir}`,
    'num.partitions=6',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=6',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    // Idempotent producers ask the transaction coordinator for an id; 50 partitions (the
    // default) make its first use on a fresh broker take seconds.
    'transaction.state.log.num.partitions=6',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    // One node: no reason to wait for more members before the first rebalance.
    'group.initial.rebalance.delay.ms=0',
    // Topics are created on purpose, with 6 partitions; a typo must not create one.
    'auto.create.topics.enable=false',
    'num.network.threads=2',
    'num.io.threads=4',
    '',
  ].join('\n');
}

const LOG4J2 = [
  'status = warn',
  'appender.file.type = Console',
  'appender.file.name = STDOUT',
  'appender.file.layout.type = PatternLayout',
  'appender.file.layout.pattern = [%d] %p %m (%c)%n',
  'rootLogger.level = INFO',
  'rootLogger.appenderRef.stdout.ref = STDOUT',
  'logger.kafka.name = kafka',
  'logger.kafka.level = WARN',
  'logger.apache.name = org.apache.kafka',
  'logger.apache.level = WARN',
  'logger.server.name = kafka.server.KafkaRaftServer',
  'logger.server.level = INFO',
  '',
].join('\n');
