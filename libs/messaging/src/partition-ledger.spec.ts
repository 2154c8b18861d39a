import { createRequire } from 'node:module';

import type { ICustomPartitioner, Message, RecordMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';

import { PartitionLedger, UnacknowledgedPartitionsError } from './partition-ledger.js';

// kafkajs's own send path (not exported): the one the relay's producer.sendBatch runs.
const require = createRequire(import.meta.url);
type SendMessages = (args: {
  acks: number;
  topicMessages: { topic: string; messages: Message[] }[];
}) => Promise<RecordMetadata[]>;
const createSendMessages = require('kafkajs/src/producer/sendMessages.js') as (
  deps: Record<string, unknown>,
) => SendMessages;
const createRetry = require('kafkajs/src/retry/index.js') as (
  opts: Record<string, number>,
) => unknown;
const { createErrorFromCode } = require('kafkajs/src/protocol/error.js') as {
  createErrorFromCode: (code: number) => Error;
};
const NOT_LEADER_OR_FOLLOWER = 6;

interface Produced {
  topicData: { topic: string; partitions: { partition: number; messages: Message[] }[] }[];
}

/**
 * Node 1 leads partitions 0 and 1, but the client's metadata still names node 3 for
 * partition 1 (it moved in a rolling restart, or the metadata is older than the move): node 3
 * answers NOT_LEADER_OR_FOLLOWER, and the metadata refresh that follows names node 1, which
 * has already answered for partition 0.
 */
function leaderMovesToABrokerThatAnswered(partitioner: ICustomPartitioner) {
  const actual: Record<number, number> = { 0: 1, 1: 1 };
  const leaders: Record<number, number> = { 0: 1, 1: 3 };
  const written: { node: number; topic: string; partition: number; records: number }[] = [];
  const broker = (nodeId: number) => ({
    nodeId,
    produce: ({ topicData }: Produced) => {
      const led = topicData.every((t) => t.partitions.every((p) => actual[p.partition] === nodeId));
      if (!led) return Promise.reject(createErrorFromCode(NOT_LEADER_OR_FOLLOWER));
      for (const t of topicData)
        for (const p of t.partitions)
          written.push({
            node: nodeId,
            topic: t.topic,
            partition: Number(p.partition),
            records: p.messages.length,
          });
      return Promise.resolve({
        topics: topicData.map((t) => ({
          topicName: t.topic,
          partitions: t.partitions.map((p) => ({
            partition: Number(p.partition),
            errorCode: 0,
            baseOffset: '0',
          })),
        })),
      });
    },
  });
  const brokers: Record<number, ReturnType<typeof broker>> = { 1: broker(1), 3: broker(3) };
  const metadata = () =>
    [0, 1].map((partitionId) => ({ partitionId, leader: leaders[partitionId] }));
  const cluster = {
    refreshMetadataIfNecessary: () => Promise.resolve(),
    refreshMetadata: () => {
      leaders[1] = 1;
      return Promise.resolve();
    },
    addMultipleTargetTopics: () => Promise.resolve(),
    isConnected: () => true,
    removeBroker: () => undefined,
    findTopicPartitionMetadata: metadata,
    findBroker: ({ nodeId }: { nodeId: string }) => Promise.resolve(brokers[Number(nodeId)]),
    findLeaderForPartitions: (_topic: string, partitions: string[]) => {
      const byLeader: Record<number, number[]> = {};
      for (const id of partitions.map(Number)) (byLeader[leaders[id]!] ??= []).push(id);
      return byLeader;
    },
  };
  const quiet = () => undefined;
  const send = createSendMessages({
    logger: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    cluster,
    partitioner: partitioner(),
    eosManager: {
      acquireBrokerLock: () => Promise.resolve(),
      releaseBrokerLock: () => Promise.resolve(),
      isTransactional: () => false,
      getSequence: () => 0,
      updateSequence: () => undefined,
      getProducerId: () => -1,
      getProducerEpoch: () => 0,
      getTransactionalId: () => undefined,
    },
    retrier: createRetry({ initialRetryTime: 1, maxRetryTime: 5, retries: 3 }),
  });
  return { send, written };
}

const batch = [
  { key: 'order-a', value: 'a', partition: 0 },
  { key: 'order-b', value: 'b', partition: 1 },
];

describe('PartitionLedger', () => {
  it('reproduces kafkajs#1798: a send resolves although a partition whose leader moved to a broker that had answered was never written', async () => {
    const ledger = new PartitionLedger();
    const { send, written } = leaderMovesToABrokerThatAnswered(ledger.partitioner());

    const acks = await send({ acks: -1, topicMessages: [{ topic: 't', messages: batch }] });

    expect(written).toEqual([{ node: 1, topic: 't', partition: 0, records: 1 }]);
    expect(acks.map((a) => a.partition)).toEqual([0]);
  });

  it('turns that resolved send into a failure naming the unwritten partition', async () => {
    const ledger = new PartitionLedger();
    const { send } = leaderMovesToABrokerThatAnswered(ledger.partitioner());
    ledger.begin();

    const acks = await send({ acks: -1, topicMessages: [{ topic: 't', messages: batch }] });

    expect(() => ledger.verify(acks)).toThrow(UnacknowledgedPartitionsError);
    expect(ledger.unacknowledged(acks)).toEqual(['t/1']);
  });

  it('passes a send whose every partition was acked, and counts an ack with an error as none', () => {
    const ledger = new PartitionLedger();
    const pick = ledger.partitioner()();
    const partitionMetadata = [0, 1, 2].map((partitionId) => ({
      partitionId,
      leader: 1,
      partitionErrorCode: 0,
      replicas: [1],
      isr: [1],
    }));
    ledger.begin();
    for (const partition of [0, 2])
      pick({ topic: 't', partitionMetadata, message: { key: 'k', value: 'v', partition } });
    const ack = (partition: number, errorCode = 0): RecordMetadata => ({
      topicName: 't',
      partition,
      errorCode,
    });

    expect(() => ledger.verify([ack(0), ack(2)])).not.toThrow();
    expect(ledger.unacknowledged([ack(0), ack(2, NOT_LEADER_OR_FOLLOWER)])).toEqual(['t/2']);
    ledger.begin();
    expect(ledger.unacknowledged([])).toEqual([]);
  });
});
