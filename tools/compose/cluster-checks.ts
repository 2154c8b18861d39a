import { ALL_TOPICS, DEFAULT_PARTITIONS } from '@app/contracts';
import { Kafka, logLevel } from 'kafkajs';

import type { StackTargets } from './stack-checks.js';

// kafkajs's ConfigResourceTypes.TOPIC: kafkajs is CommonJS and Node's ESM loader cannot see
// that export by name.
const TOPIC_RESOURCE = 2;

/** The host's bootstrap list for the cluster profile: each node's published port. */
export const clusterBrokers = (t: StackTargets): string[] =>
  ['KAFKA_HOST_PORT', 'KAFKA_2_HOST_PORT', 'KAFKA_3_HOST_PORT'].map((variable) => {
    const port = t.ports[variable];
    if (port === undefined) throw new Error(`docker-compose.yml publishes no ${variable}`);
    return `127.0.0.1:${port}`;
  });

/**
 * Under `--profile cluster`: three brokers in the metadata, and every topic of libs/contracts
 * with its partitions, three replicas on distinct brokers and min.insync.replicas 2, as
 * kafka-init created them (read through the Admin API, as any client sees them).
 */
export async function clusterTopicsReplicated(t: StackTargets): Promise<void> {
  const admin = new Kafka({
    clientId: 'compose-test',
    brokers: clusterBrokers(t),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const { brokers } = await admin.describeCluster();
    if (brokers.length !== 3) throw new Error(`${brokers.length} brokers in the metadata`);
    const { topics } = await admin.fetchTopicMetadata({ topics: [...ALL_TOPICS] });
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: ALL_TOPICS.map((name) => ({
        type: TOPIC_RESOURCE,
        name,
        configNames: ['min.insync.replicas'],
      })),
    });
    const wrong = ALL_TOPICS.flatMap((name) => {
      const topic = topics.find((x) => x.name === name);
      const minIsr = configs.resources
        .find((r) => r.resourceName === name)
        ?.configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue;
      const replicas = topic?.partitions.map((p) => new Set(p.replicas).size) ?? [];
      const ok =
        topic?.partitions.length === DEFAULT_PARTITIONS &&
        replicas.every((n) => n === 3) &&
        minIsr === '2';
      return ok
        ? []
        : [
            `${name}: ${topic?.partitions.length} partitions, replicas ${replicas.join('/')}, min ISR ${minIsr}`,
          ];
    });
    if (wrong.length > 0) throw new Error(wrong.join('; '));
  } finally {
    await admin.disconnect();
  }
}
