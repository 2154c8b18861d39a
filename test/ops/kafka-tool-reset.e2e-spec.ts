import { TOPOLOGY } from '@app/contracts';
import { KAFKA_TOOLS, eventually, runKafkaTool } from '@app/devstack';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { e2eStack } from '../support/e2e-stack.js';
import { systemApi } from '../support/api.js';
import { kafkaOf } from '../support/kafka.js';
import { waitForZeroLag } from '../support/lag.js';
import { consumerOutcomes, scrape } from '../support/metrics.js';
import { newCustomerId, placeOrder } from '../support/orders.js';
import { outcomeOf } from '../support/outcome.js';
import { waitUntilQuiet } from '../support/quiet.js';
import { settle, snapshotOf, type Snapshot } from '../support/snapshot.js';
import { admin, asObject, committedOffsets, topicOffsets, type Offsets } from '../support/ops.js';

const SERVICE = 'read-model';
const GROUP = TOPOLOGY[SERVICE].group;
const TOPICS = [...TOPOLOGY[SERVICE].consumes];

/**
 * `--to-datetime` takes 'YYYY-MM-DDThh:mm:ss.sss' (its --help); without a zone suffix the tool
 * appends 'Z' (org.apache.kafka.common.utils.Utils.getDateTime), i.e. the time is UTC.
 */
const toolDatetime = (at: Date): string => at.toISOString().slice(0, 23);

/** The NEW-OFFSET table the tool prints after --execute, as "topic/partition" -> offset. */
function printedOffsets(output: string): Offsets {
  const rows: Offsets = new Map();
  for (const m of output.matchAll(/^\s*read-model\s+(\S+)\s+(\d+)\s+(\d+)\s*$/gm))
    rows.set(`${m[1]}/${m[2]}`, BigInt(m[3]!));
  return rows;
}

/**
 * Invariant 6, "replay is safe", done the operator's way: with the read model stopped, Kafka's
 * own kafka-consumer-groups moves its group back (to a time, or to the earliest offset); on
 * its next start it re-applies the log from there through its inbox and per-order sequence
 * checks, and its views end exactly as they were (same checksum, same answers).
 */
describe('Invariant 6 "replay is safe": Kafka\'s kafka-consumer-groups --reset-offsets on the stopped read model', () => {
  const stack = e2eStack();
  const api = systemApi(stack);
  const customers = [newCustomerId(), newCustomerId()];
  const orderIds: string[] = [];
  let kafkaAdmin: Admin;
  let resetPoint: Date;
  let before: Snapshot;
  let checksumBefore: { checksum: string; orders: number };

  const placeSome = async (): Promise<void> => {
    const [a, b] = customers as [string, string];
    orderIds.push((await placeOrder(api, a, 12_000)).orderId);
    orderIds.push((await placeOrder(api, b, 150_000)).orderId); // rejected: over the credit
    const toCancel = (await placeOrder(api, b, 7_000)).orderId;
    orderIds.push(toCancel);
    await eventually(
      async () => expect((await outcomeOf(api, toCancel)).order.status).toBe('APPROVED'),
      { what: `approval of ${toCancel}` },
    );
    expect((await api.cancel(toCancel)).status).toBe(200);
    await settle(stack, api, orderIds, customers);
  };

  beforeAll(async () => {
    kafkaAdmin = kafkaOf(stack, 'e2e-ops-kafka-tool').admin();
    await kafkaAdmin.connect();
    await placeSome();
    // Every record so far is older than the reset point; every record of the next batch is
    // newer (the services and this test share one clock).
    resetPoint = new Date();
    await placeSome();
    before = await settle(stack, api, orderIds, customers);
    const checksum = await admin<{ checksum: string; orders: number }>(
      stack,
      'read-model',
      'GET',
      '/admin/checksum',
    );
    expect(checksum.status).toBe(200);
    checksumBefore = checksum.body;
    expect(checksumBefore.checksum).toMatch(/^[0-9a-f]{32}$/);
  });

  afterAll(async () => {
    await kafkaAdmin?.disconnect();
  });

  /**
   * Stops the read model, runs the tool with `spec` (e.g. --to-earliest), checks the group's
   * committed offsets are now `expected`, starts the read model again and waits until it has
   * re-read everything; returns how many records it was moved back by.
   */
  async function resetStoppedReadModel(
    spec: string[],
    expected: () => Promise<Offsets>,
  ): Promise<bigint> {
    const committedBefore = await committedOffsets(kafkaAdmin, GROUP, TOPICS);
    await stack.stop('read-model');
    let movedBack = 0n;
    try {
      // --all-topics covers the partitions the group has committed offsets on; a partition
      // that never held a record has none and stays so.
      const target = await expected();
      const wanted: Offsets = new Map(
        [...committedBefore].map(([partition, was]) => [
          partition,
          was < 0n ? was : target.get(partition)!,
        ]),
      );
      const inScope = new Map(
        [...wanted].filter(([partition]) => committedBefore.get(partition)! >= 0n),
      );
      // The tool refuses while the group still has members; a stopped member leaves at once,
      // but the broker may take a moment to show the group empty.
      const tool = await eventually(
        () => {
          const result = runKafkaTool(KAFKA_TOOLS.consumerGroups, [
            '--bootstrap-server',
            stack.brokers[0]!,
            '--group',
            GROUP,
            '--reset-offsets',
            ...spec,
            '--all-topics',
            '--execute',
          ]);
          if (result.status !== 0 || !/NEW-OFFSET/.test(result.output))
            throw new Error(`kafka-consumer-groups exited ${result.status}: ${result.output}`);
          return result;
        },
        { timeoutMs: 60_000, intervalMs: 1_000, what: `kafka-consumer-groups ${spec.join(' ')}` },
      );
      expect(asObject(printedOffsets(tool.output)), tool.output).toEqual(asObject(inScope));

      const committedAfter = await committedOffsets(kafkaAdmin, GROUP, TOPICS);
      expect(asObject(committedAfter), 'committed offsets after the reset').toEqual(
        asObject(wanted),
      );
      for (const [partition, offset] of committedAfter) {
        const was = committedBefore.get(partition)!;
        expect(offset, `${partition} moved forward`).toBeLessThanOrEqual(was);
        movedBack += was - offset;
      }
      expect(movedBack, 'records the group was moved back by').toBeGreaterThan(0n);
    } finally {
      await stack.start('read-model');
    }
    await waitForZeroLag(stack, [SERVICE], 120_000);
    await waitUntilQuiet(stack);
    return movedBack;
  }

  async function expectViewsAsBefore(movedBack: bigint): Promise<void> {
    // The restarted process counts from zero: everything it handled was a re-read.
    const outcomes = consumerOutcomes(await scrape(stack.url(SERVICE)));
    expect(outcomes.applied, 'events applied a second time').toBe(0);
    expect(
      BigInt(outcomes.duplicate + outcomes.skipped + outcomes['dead-lettered']),
      'records handled after the reset',
    ).toBeGreaterThanOrEqual(movedBack);
    expect(outcomes.duplicate).toBeGreaterThan(0);

    const checksum = await admin<{ checksum: string; orders: number }>(
      stack,
      'read-model',
      'GET',
      '/admin/checksum',
    );
    expect(checksum.body, 'read-model checksum after the replay').toEqual(checksumBefore);
    expect(await snapshotOf(api, orderIds, customers)).toEqual(before);
  }

  it("--to-datetime <T> (UTC, the tool's format) moves the group back to the first record at T; the read model re-applies and its views are unchanged", async () => {
    const movedBack = await resetStoppedReadModel(
      ['--to-datetime', toolDatetime(resetPoint)],
      async () => {
        const at = new Map<string, bigint>();
        for (const topic of TOPICS) {
          // kafkajs gives the end offset where no record is that new, as the tool does.
          for (const p of await kafkaAdmin.fetchTopicOffsetsByTimestamp(
            topic,
            resetPoint.getTime(),
          ))
            at.set(`${topic}/${p.partition}`, BigInt(p.offset));
        }
        return at;
      },
    );
    // At least the second batch (3 orders: 2 + 2 + 3 order events, 1 + 1 + 2 payment events).
    expect(movedBack).toBeGreaterThanOrEqual(11n);
    await expectViewsAsBefore(movedBack);
  });

  it('--to-earliest moves the group back to the start of every partition; the read model re-applies the whole log and its views are unchanged', async () => {
    const movedBack = await resetStoppedReadModel(['--to-earliest'], () =>
      topicOffsets(kafkaAdmin, TOPICS, 'low'),
    );
    // At least both batches.
    expect(movedBack).toBeGreaterThanOrEqual(22n);
    await expectViewsAsBefore(movedBack);
  });
});
