import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { Kafka, logLevel } from 'kafkajs';

import { javaArgs, kafkaNode, type KafkaNode } from './kafka-node.js';
import { ensureKafkaClasspath, javaCommand } from './kafka-runtime.js';
import type { PidRegistry } from './pid-registry.js';
import { LauncherError, assertPortFree } from './ports.js';
import { runToCompletion } from './run-to-completion.js';
import { tellingLineOf } from './telling-line.js';

export interface ProxiedListener {
  listenPort: number;
  advertisedPort: number;
}

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
  proxiedListener?: ProxiedListener;
}

export interface KafkaClusterOptions {
  /** One entry per node: its client port, controller port and optional proxied listener. */
  nodes: { port: number; controllerPort: number; proxiedListener?: ProxiedListener }[];
  workDir: string;
  registry: PidRegistry;
  /** Heap per JVM; defaults to 512 MiB for one node and 320 MiB each in a cluster. */
  heapMb?: number;
  log?: (line: string) => void;
}

/**
 * The broker(s) the launcher runs: one KRaft node (the fast default) or a quorum of three.
 * stop/kill/restart act on every node; `nodes` controls each one by pid.
 */
export interface KafkaBroker {
  readonly brokers: string[];
  /** The bootstrap addresses through the proxies, when started with proxied listeners. */
  readonly proxiedBrokers?: string[];
  readonly nodes: readonly KafkaNode[];
  /** Replication factor of every topic (ours and Kafka's internal ones). */
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
  /** Pid of the first node. */
  readonly pid: number;
  /** Log of the first node. */
  readonly logFile: string;
  /** Graceful stop of every node (SIGTERM, then SIGKILL after a grace period). */
  stop(): Promise<void>;
  /** Crash every node (SIGKILL), as fault tests do. */
  kill(): Promise<void>;
  /** Start every node again on its storage (after stop or kill) and wait until it serves. */
  restart(): Promise<void>;
  /** Start one node again (after its stop or kill) and wait until it is back in the cluster. */
  restartNode(nodeId: number): Promise<void>;
  node(nodeId: number): KafkaNode;
}

/** A single-node KRaft broker (broker + controller in one JVM) on loopback. */
export function startKafkaBroker(opts: KafkaBrokerOptions): Promise<KafkaBroker> {
  return startKafkaCluster({
    nodes: [
      {
        port: opts.port,
        controllerPort: opts.controllerPort,
        proxiedListener: opts.proxiedListener,
      },
    ],
    workDir: opts.workDir,
    registry: opts.registry,
    heapMb: opts.heapMb,
    log: opts.log,
  });
}

/**
 * KRaft nodes on loopback, each broker + controller, one static quorum over all of them and
 * one cluster id formatted into each. With three nodes every topic has three replicas and
 * needs two in sync to take an acks=all write; no out-of-sync replica may become leader.
 */
export async function startKafkaCluster(opts: KafkaClusterOptions): Promise<KafkaBroker> {
  const log = opts.log ?? (() => undefined);
  const count = opts.nodes.length;
  const single = count === 1;
  for (const n of opts.nodes) {
    await assertPortFree(n.port, 'a Kafka broker (KAFKA_BROKERS)');
    await assertPortFree(n.controllerPort, 'a Kafka controller (KAFKA_BROKERS)');
    if (n.proxiedListener)
      await assertPortFree(n.proxiedListener.listenPort, "a Kafka broker's proxied listener");
  }
  const classpath = join(ensureKafkaClasspath(log), '*');
  const heapMb = opts.heapMb ?? (single ? 512 : 320);
  const replication = { factor: count, minIsr: Math.min(2, count) };
  const voters = opts.nodes.map((n, i) => `${i + 1}@127.0.0.1:${n.controllerPort}`).join(',');
  const clusterId = randomClusterId();

  rmSync(opts.workDir, { recursive: true, force: true });
  const nodes: KafkaNode[] = [];
  for (const [i, n] of opts.nodes.entries()) {
    const nodeId = i + 1;
    const dir = single ? opts.workDir : join(opts.workDir, `node-${nodeId}`);
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir, { recursive: true });
    const config = join(dir, 'server.properties');
    const log4j = join(dir, 'log4j2.properties');
    writeFileSync(
      config,
      serverProperties({ ...n, nodeId, voters, dataDir, ...replication, single }),
    );
    writeFileSync(log4j, LOG4J2);
    await runToCompletion(
      `Kafka's storage format (${javaCommand()})`,
      javaCommand(),
      javaArgs(classpath, log4j, 256, 'kafka.tools.StorageTool', [
        'format',
        '-t',
        clusterId,
        '-c',
        config,
      ]),
      {},
      { registry: opts.registry, name: 'kafka-format', marker: config },
    );
    nodes.push(
      kafkaNode({
        nodeId,
        name: single ? 'kafka' : `kafka-${nodeId}`,
        port: n.port,
        controllerPort: n.controllerPort,
        config,
        log4j,
        logFile: join(dir, 'broker.log'),
        classpath,
        heapMb,
        registry: opts.registry,
        proxiedPort: n.proxiedListener?.advertisedPort,
      }),
    );
  }

  const brokers = nodes.map((n) => `127.0.0.1:${n.port}`);
  const node = (nodeId: number): KafkaNode => {
    const found = nodes.find((n) => n.nodeId === nodeId);
    if (!found) throw new Error(`no Kafka node ${nodeId}`);
    return found;
  };
  // The quorum needs a majority of controllers before any node serves: launch all at once.
  const startAll = async (): Promise<void> => {
    for (const n of nodes) n.launch();
    await waitUntilServing(nodes, count, 300_000);
    log(
      `kafka ready on ${brokers.join(',')} (pid ${nodes.map((n) => n.pid).join(',')}` +
        `${single ? '' : `, replication factor ${replication.factor}, min ISR ${replication.minIsr}`})`,
    );
  };
  const each = (what: (n: KafkaNode) => Promise<void>): Promise<void> =>
    Promise.all(nodes.map(what)).then(() => undefined);

  try {
    await startAll();
  } catch (error) {
    await each((n) => n.kill());
    throw error;
  }
  const proxied = nodes.flatMap((n) => (n.proxiedPort ? [`127.0.0.1:${n.proxiedPort}`] : []));
  return {
    brokers,
    proxiedBrokers: proxied.length > 0 ? proxied : undefined,
    nodes,
    replicationFactor: replication.factor,
    minInsyncReplicas: replication.minIsr,
    get pid() {
      return nodes[0]!.pid;
    },
    logFile: nodes[0]!.logFile,
    stop: () => each((n) => n.stop()),
    kill: () => each((n) => n.kill()),
    restart: async () => {
      await each((n) => n.stop());
      await startAll();
    },
    node,
    restartNode: async (nodeId) => {
      const n = node(nodeId);
      await n.stop();
      n.launch();
      // A JVM restart on a loaded two-core machine has taken over two minutes.
      await waitUntilServing([n], count, 300_000);
      log(`kafka node ${nodeId} back on 127.0.0.1:${n.port} (pid ${n.pid})`);
    },
  };
}

/**
 * Ready means each of `nodes` answers a metadata request (through the client the services
 * use) that lists `expected` brokers and a controller: it has rejoined the cluster.
 */
async function waitUntilServing(
  nodes: readonly KafkaNode[],
  expected: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const n of nodes) {
    const kafka = new Kafka({
      clientId: 'launcher-probe',
      brokers: [`127.0.0.1:${n.port}`],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      connectionTimeout: 1000,
    });
    for (;;) {
      if (!n.running()) {
        throw new LauncherError(
          `Kafka node ${n.nodeId} exited during start-up: ${tellingLineOf(n.logFile)} (log: ${n.logFile})`,
        );
      }
      if (Date.now() > deadline) {
        throw new LauncherError(
          `Kafka node ${n.nodeId} did not serve within ${timeoutMs} ms; see ${n.logFile}`,
        );
      }
      const admin = kafka.admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length >= expected && cluster.controller !== null) break;
      } catch {
        // not yet
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
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

interface NodeConfig {
  nodeId: number;
  port: number;
  controllerPort: number;
  voters: string;
  dataDir: string;
  factor: number;
  minIsr: number;
  single: boolean;
  proxiedListener?: ProxiedListener;
}

function serverProperties(c: NodeConfig): string {
  const listeners = [
    `PLAINTEXT://127.0.0.1:${c.port}`,
    `CONTROLLER://127.0.0.1:${c.controllerPort}`,
  ];
  const advertised = [`PLAINTEXT://127.0.0.1:${c.port}`];
  const protocols = ['PLAINTEXT:PLAINTEXT', 'CONTROLLER:PLAINTEXT'];
  if (c.proxiedListener) {
    listeners.push(`PROXIED://127.0.0.1:${c.proxiedListener.listenPort}`);
    advertised.push(`PROXIED://127.0.0.1:${c.proxiedListener.advertisedPort}`);
    protocols.push('PROXIED:PLAINTEXT');
  }
  return [
    'process.roles=broker,controller',
    `node.id=${c.nodeId}`,
    `controller.quorum.voters=${c.voters}`,
    'controller.listener.names=CONTROLLER',
    `listeners=${listeners.join(',')}`,
    `advertised.listeners=${advertised.join(',')}`,
    `listener.security.protocol.map=${protocols.join(',')}`,
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${c.dataDir}`,
    'num.partitions=6',
    // Every topic, ours and Kafka's own, gets a replica on each node and needs two in sync
    // for an acks=all write (one node: both 1).
    `default.replication.factor=${c.factor}`,
    `min.insync.replicas=${c.minIsr}`,
    // An out-of-sync replica never becomes leader: that would drop acknowledged records.
    'unclean.leader.election.enable=false',
    `offsets.topic.replication.factor=${c.factor}`,
    'offsets.topic.num.partitions=6',
    `transaction.state.log.replication.factor=${c.factor}`,
    `transaction.state.log.min.isr=${c.minIsr}`,
    // Idempotent producers ask the transaction coordinator for an id; 50 partitions (the
    // default) make its first use on a fresh broker take seconds.
    'transaction.state.log.num.partitions=6',
    `share.coordinator.state.topic.replication.factor=${c.factor}`,
    `share.coordinator.state.topic.min.isr=${c.minIsr}`,
    // A node that comes back while the quorum is slow (a loaded machine, a peer down) keeps
    // trying to register for 5 min instead of shutting itself down after 1.
    ...(c.single ? [] : ['initial.broker.registration.timeout.ms=300000']),
    // Rebalances start at once (tests and the nemesis restart members all the time).
    'group.initial.rebalance.delay.ms=0',
    // Topics are created on purpose, with 6 partitions; a typo must not create one.
    'auto.create.topics.enable=false',
    // A follower that stops fetching (killed, paused) leaves the ISR after 10 s instead of
    // 30 s, so acks=all writes resume on the remaining two sooner.
    ...(c.single ? [] : ['replica.lag.time.max.ms=10000']),
    'num.network.threads=2',
    'num.io.threads=4',
    'num.replica.fetchers=1',
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
