import { ACTS_ON, ORDER_EVENTS_TOPIC, PAYMENT_EVENTS_TOPIC, TOPOLOGY } from '@app/contracts';
import { eventually } from '@app/devstack';
import { e2eStack } from '../support/e2e-stack.js';
import { beforeAll, describe, expect, it } from 'vitest';

import { systemApi } from '../support/api.js';
import { queryReadOnly } from '../support/db.js';
import { kafkaOf, type LoggedRecord } from '../support/kafka.js';
import { CONSUMING_SERVICES, waitForZeroLag } from '../support/lag.js';
import { consumerOutcomes, scrape } from '../support/metrics.js';
import { newCustomerId, placeOrder } from '../support/orders.js';
import { outcomeOf } from '../support/outcome.js';
import { produceAgain } from '../support/produce-again.js';
import { waitUntilQuiet } from '../support/quiet.js';
import { readRecords } from '../support/read-records.js';
import { settle, snapshotOf, type Snapshot } from '../support/snapshot.js';

const GROUPS = CONSUMING_SERVICES;

/**
 * Invariant 3, "applied once": a duplicate delivery (a redelivered record, a relay re-send,
 * a replayed offset) changes nothing in any service, because the inbox row and the state
 * change commit in one transaction.
 */
describe('Invariant 3 "applied once": duplicate deliveries change nothing', () => {
  const stack = e2eStack();
  const api = systemApi(stack);
  const customerIds = [newCustomerId(), newCustomerId(), newCustomerId()];
  const orderIds: string[] = [];
  let before: Snapshot;
  let records: LoggedRecord[];

  beforeAll(async () => {
    const [approved, rejected, refunded] = customerIds as [string, string, string];
    orderIds.push(
      (await placeOrder(api, approved, 20_000)).orderId,
      (await placeOrder(api, approved, 15_000)).orderId,
    );
    orderIds.push((await placeOrder(api, rejected, 250_000)).orderId);
    const toCancel = (await placeOrder(api, refunded, 40_000)).orderId;
    orderIds.push(toCancel);
    await eventually(
      async () => expect((await outcomeOf(api, toCancel)).order.status).toBe('APPROVED'),
      { what: 'approval' },
    );
    expect((await api.cancel(toCancel)).status).toBe(200);

    before = await settle(stack, api, orderIds, customerIds);
    expect(Object.values(before.outcomes).map((o) => [o.order.status, o.payment.status])).toEqual([
      ['APPROVED', 'AUTHORIZED'],
      ['APPROVED', 'AUTHORIZED'],
      ['REJECTED', 'REJECTED'],
      ['CANCELLED', 'REFUNDED'],
    ]);
    records = [
      ...(await readRecords(stack, ORDER_EVENTS_TOPIC, orderIds)),
      ...(await readRecords(stack, PAYMENT_EVENTS_TOPIC, orderIds)),
    ];
    // 2 + 2 + 2 + 3 order events, 1 + 1 + 1 + 2 payment events: the whole history, once.
    expect(records).toHaveLength(14);
  });

  it('(a) records produced again byte for byte are recognised as duplicates: no service changes, each inbox holds each event once', async () => {
    const outcomesBefore = await Promise.all(
      GROUPS.map(async (g) => consumerOutcomes(await scrape(stack.url(g)))),
    );

    await produceAgain(stack, records);
    await waitUntilQuiet(stack);

    expect(await snapshotOf(api, orderIds, customerIds)).toEqual(before);
    for (const [i, group] of GROUPS.entries()) {
      const outcomes = consumerOutcomes(await scrape(stack.url(group)));
      const actedOn = records.filter((r) => ACTS_ON[group].includes(r.envelope.eventType)).length;
      expect(outcomes.applied - outcomesBefore[i]!.applied, `${group} applied a duplicate`).toBe(0);
      expect(
        outcomes.duplicate - outcomesBefore[i]!.duplicate,
        `${group} duplicates recognised by its inbox`,
      ).toBeGreaterThanOrEqual(actedOn);

      const inbox = await queryReadOnly<{ event_id: string; n: number }>(
        stack.databaseUrl(group),
        'SELECT event_id::text, count(*)::int AS n FROM inbox WHERE event_id = ANY($1::uuid[]) GROUP BY event_id',
        [records.map((r) => r.envelope.eventId)],
      );
      expect(
        inbox.filter((row) => row.n !== 1),
        `${group} inbox rows recorded more than once`,
      ).toEqual([]);
      const recorded = new Set(inbox.map((row) => row.event_id));
      const missing = records.filter(
        (r) => ACTS_ON[group].includes(r.envelope.eventType) && !recorded.has(r.envelope.eventId),
      );
      expect(
        missing.map((r) => r.envelope.eventType),
        `${group} inbox misses events it acted on`,
      ).toEqual([]);
    }
  });

  it('(b) replaying every consumer group from the earliest offset changes nothing, read-model checksum included', async () => {
    const kafka = kafkaOf(stack, 'e2e-replay');
    for (const group of GROUPS) {
      const checksumBefore = (await api.checksum()).body;
      await stack.stop(group);
      const admin = kafka.admin();
      try {
        await admin.connect();
        for (const topic of TOPOLOGY[group].consumes) {
          // Allowed only once the stopped member has left the group.
          await eventually(
            () =>
              admin
                .resetOffsets({ groupId: TOPOLOGY[group].group, topic, earliest: true })
                .then(() => true),
            {
              what: `resetting ${group} on ${topic}`,
            },
          );
        }
      } finally {
        await admin.disconnect();
        await stack.start(group);
      }
      await waitForZeroLag(stack, [group], 120_000);
      await waitUntilQuiet(stack);

      const replayed = consumerOutcomes(await scrape(stack.url(group)));
      expect(replayed.applied, `${group} applied something while replaying`).toBe(0);
      expect(replayed.duplicate).toBeGreaterThanOrEqual(
        records.filter((r) => ACTS_ON[group].includes(r.envelope.eventType)).length,
      );
      expect(
        await snapshotOf(api, orderIds, customerIds),
        `state after replaying ${group}`,
      ).toEqual(before);
      expect((await api.checksum()).body, `read-model checksum after replaying ${group}`).toEqual(
        checksumBefore,
      );
    }
  });
});
