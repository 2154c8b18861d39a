import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { ALL_TOPICS, ORDER_EVENTS_TOPIC } from '@app/contracts';
import {
  PidRegistry,
  ensureTopics,
  eventually,
  freePort,
  runDir,
  startKafkaCluster,
  type KafkaBroker,
} from '@app/devstack';
import { ConfigResourceTypes, Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The launcher's three-node KRaft cluster (`--brokers 3`, KAFKA_NODES=3) is really
 * replicated: every topic, Kafka's internal ones included, has three in-sync replicas and
 * needs two of them for an acks=all write, so losing one node costs nothing and losing two
 * stops writes instead of acknowledging records one disk holds.
 */
describe('the three-node Kafka cluster the launcher starts', () => {
  const workDir = join(runDir('test'), String(process.pid), 'kafka-cluster-proof');
  let cluster: KafkaBroker;
  let admin: Admin;
  const client = (retries = 12): Kafka =>
    new Kafka({
      clientId: 'cluster-proof',
      brokers: cluster.brokers,
      logLevel: logLevel.NOTHING,
      // A failed produce should fail the test's expectation quickly, not retry for a minute.
      // Long enough to outlast a killed node's broker session (9 s): until the controller
      // fences it, metadata still names it leader, and a send to it is refused.
      retry: { retries, initialRetryTime: 300, maxRetryTime: 5_000 },
      requestTimeout: 5_000,
    });
  const produce = async (value: string, retries?: number): Promise<void> => {
    const producer = client(retries).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      await producer.send({
        topic: ORDER_EVENTS_TOPIC,
        acks: -1,
        timeout: 5_000,
        messages: [{ key: 'order-1', value }],
      });
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  };

  // As the relay does after a failed batch: a new producer tries again (kafkajs 2.2.4 can give
  // up on a send whose partition leader, or whose producer-id broker, was just killed, before
  // the controller has fenced that node).
  const produceUntilAcked = (value: string): Promise<true> =>
    eventually(() => produce(value).then(() => true as const), {
      timeoutMs: 90_000,
      intervalMs: 1_000,
      what: `an acks=all write of "${value}"`,
    });

  beforeAll(async () => {
    const dir = join(runDir('test'), String(process.pid));
    cluster = await startKafkaCluster({
      nodes: await Promise.all(
        [1, 2, 3].map(async () => ({ port: await freePort(), controllerPort: await freePort() })),
      ),
      workDir,
      registry: new PidRegistry(dir),
      log: (line) => console.log(`[cluster] ${line}`),
    });
    await ensureTopics(cluster.brokers, undefined, undefined, {
      replicationFactor: cluster.replicationFactor,
      minInsyncReplicas: cluster.minInsyncReplicas,
    });
    admin = client().admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.disconnect().catch(() => undefined);
    await cluster?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('replicates every topic, ours and the internal ones, on all three nodes with a min ISR of 2', async () => {
    expect(cluster.nodes.map((n) => n.pid).every((pid) => pid > 0)).toBe(true);
    expect(new Set(cluster.nodes.map((n) => n.port)).size).toBe(3);
    // __transaction_state only exists once a transactional producer runs (none here); its
    // settings are checked on the brokers below.
    const topics = [...ALL_TOPICS, '__consumer_offsets'];
    const { topics: meta } = await admin.fetchTopicMetadata({ topics });
    for (const t of meta) {
      for (const p of t.partitions) {
        expect(p.replicas, `${t.name}/${p.partitionId} replicas`).toHaveLength(3);
        expect(p.isr, `${t.name}/${p.partitionId} in-sync replicas`).toHaveLength(3);
      }
    }
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({
        type: ConfigResourceTypes.TOPIC,
        name,
        configNames: ['min.insync.replicas', 'unclean.leader.election.enable'],
      })),
    });
    for (const r of resources) {
      const value = (name: string): string | undefined =>
        r.configEntries.find((e) => e.configName === name)?.configValue;
      expect(value('min.insync.replicas'), `${r.resourceName} min ISR`).toBe('2');
      expect(value('unclean.leader.election.enable'), `${r.resourceName} unclean`).toBe('false');
    }
    const brokers = await admin.describeConfigs({
      includeSynonyms: false,
      resources: cluster.nodes.map((n) => ({
        type: ConfigResourceTypes.BROKER,
        name: String(n.nodeId),
        configNames: [
          'transaction.state.log.replication.factor',
          'transaction.state.log.min.isr',
          'offsets.topic.replication.factor',
        ],
      })),
    });
    for (const r of brokers.resources) {
      expect(
        Object.fromEntries(r.configEntries.map((e) => [e.configName, e.configValue])),
        `node ${r.resourceName}`,
      ).toEqual({
        'transaction.state.log.replication.factor': '3',
        'transaction.state.log.min.isr': '2',
        'offsets.topic.replication.factor': '3',
      });
    }
  });

  it('takes acks=all writes with one node down, refuses them with two down, and takes them again once they are back', async () => {
    await cluster.node(3).kill();
    await produceUntilAcked('one node down');

    await cluster.node(2).kill();
    const refused = await produce('two nodes down', 3).then(
      () => 'acknowledged',
      (error: unknown) => String((error as Error).message ?? error),
    );
    // Only one replica is left: the leader must not acknowledge (NOT_ENOUGH_REPLICAS), or
    // the partition has no reachable leader at all; either way the write is not taken.
    expect(refused).not.toBe('acknowledged');
    console.log(`[cluster] produce with two nodes down: ${refused}`);

    await Promise.all([cluster.restartNode(2), cluster.restartNode(3)]);
    await produceUntilAcked('all three back');
    const consumer = client().consumer({ groupId: `cluster-proof-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: ORDER_EVENTS_TOPIC, fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: ({ message }) => {
          seen.push(String(message.value));
          if (seen.includes('all three back')) resolve();
          return Promise.resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(seen).toContain('one node down');
    expect(seen).toContain('all three back');
  }, 300_000); // two node restarts: each must rejoin the quorum and catch up
});
