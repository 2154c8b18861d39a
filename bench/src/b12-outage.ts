/**
 * B12: how long the system needs to drain what piled up while Kafka was away. Orders keep
 * arriving at a fixed rate (half of B4's) throughout; the broker is stopped (SIGTERM by pid,
 * through the launcher's broker object) for the outage, started again on its storage, and
 * the clock runs from the moment it serves again until the backlog is gone: every order
 * accepted before the restart is final in the read model, no outbox row written before the
 * restart is still unpublished, and every consumer group has read everything that was in
 * the log at that moment. Arrivals go on meanwhile, so the drain competes with live load as
 * it would in production. Reported as a ratio to the outage length.
 */
import type { KafkaBroker } from '@app/devstack';
import type { Kafka } from 'kafkajs';
import pg from 'pg';

import { orderBody } from './fixtures.js';
import { openLoop } from './load.js';
import { behindByGroup, consumedTopicEnds, groupsBehind } from './kafka.js';
import { nowMs, sleep } from './stats.js';
import { BENCH_QUERY_MARKER, type SystemUnderTest } from './system.js';

export interface B12Result {
  rate: number;
  outageSeconds: number;
  /** SIGTERM until the JVM(s) exited, and start until the broker served again. */
  brokerStopSeconds: number;
  brokerStartSeconds: number;
  drainSeconds: number;
  acceptedBeforeRestart: number;
  acceptedDuringOutage: number;
  unpublishedAtRestart: Record<string, number>;
  errors: number;
}

export interface B12Options {
  rate: number;
  outageSeconds: number;
  warmupSeconds: number;
  drainTimeoutSeconds: number;
  tag: string;
}

const WRITERS = ['order_service', 'payment_service'] as const;

export async function runB12(
  sut: SystemUnderTest,
  broker: KafkaBroker,
  kafka: Kafka,
  opts: B12Options,
): Promise<B12Result> {
  const writers = {
    order_service: new pg.Pool({ connectionString: sut.orderDbUrl, max: 1 }),
    payment_service: new pg.Pool({ connectionString: sut.paymentDbUrl, max: 1 }),
  };
  for (const p of Object.values(writers)) p.on('error', () => undefined);
  const admin = kafka.admin();
  const accepted: string[] = [];
  let errors = 0;
  let stop = false;
  const load = openLoop({
    url: `${sut.orderServiceUrl}/orders`,
    rate: opts.rate,
    durationMs: (opts.warmupSeconds + opts.outageSeconds + opts.drainTimeoutSeconds + 120) * 1000,
    agent: sut.agent,
    keepOrderIds: true,
    body: (i) => orderBody(i, `b12-${opts.tag}`),
    headers: (i) => ({ 'idempotency-key': `b12-${opts.tag}-${i}` }),
    onDone: (shot) => {
      if (shot.status === 201 && shot.orderId) accepted.push(shot.orderId);
      else errors += 1;
    },
    stop: () => stop,
  });
  try {
    await sleep(opts.warmupSeconds * 1000);
    const t0 = nowMs();
    await broker.stop();
    const stopped = nowMs();
    const beforeOutage = accepted.length;
    await sleep(Math.max(0, opts.outageSeconds * 1000 - (stopped - t0)));
    const t1 = nowMs();
    await broker.restart();
    const restartedAt = nowMs();
    const restartTs = new Date();
    const backlog = accepted.slice();
    const unpublishedAtRestart: Record<string, number> = {};
    for (const db of WRITERS)
      unpublishedAtRestart[db] = await count(
        writers[db],
        'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL',
      );
    sut.log(
      `  B12 broker back at ${restartTs.toISOString()} after ${((restartedAt - t0) / 1000).toFixed(1)} s (start took ${((restartedAt - t1) / 1000).toFixed(1)} s); ` +
        `backlog: ${backlog.length - beforeOutage} orders accepted while it was away, unpublished outbox rows ${JSON.stringify(unpublishedAtRestart)}`,
    );

    await admin.connect();
    // The broker's own start-up stretches the outage on a busy machine: allow for it.
    const allowedSeconds = Math.max(opts.drainTimeoutSeconds, (3 * (restartedAt - t0)) / 1000);
    const deadline = restartedAt + allowedSeconds * 1000;
    const inTime = (): void => {
      if (nowMs() > deadline)
        throw new Error(`backlog not drained within ${allowedSeconds.toFixed(0)} s`);
    };
    // The backlog's orders final and the outbox rows written before the restart published...
    let nextReport = nowMs() + 5000;
    for (;;) {
      const final = await count(
        sut.readDb,
        `${BENCH_QUERY_MARKER} SELECT count(*)::int AS n FROM order_views WHERE order_id = ANY($1::uuid[])
            AND status IN ('APPROVED', 'REJECTED') AND payment_status IS NOT NULL`,
        [backlog],
      );
      let unpublished = 0;
      for (const db of WRITERS)
        unpublished += await count(
          writers[db],
          'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL AND created_at < $1',
          [restartTs],
        );
      if (final >= backlog.length && unpublished === 0) break;
      inTime();
      if (nowMs() >= nextReport) {
        nextReport += 5000;
        sut.log(
          `  B12 +${((nowMs() - restartedAt) / 1000).toFixed(0)} s: ${final}/${backlog.length} final, ` +
            `${unpublished} older outbox rows unpublished, behind per group ${JSON.stringify(await behindByGroup(admin))}`,
        );
      }
      await sleep(200);
    }
    // ... and every group has read the log as it stands then (live records keep coming, so
    // "lag 0" is against that moment's end offsets).
    const ends = await consumedTopicEnds(admin);
    while ((await groupsBehind(admin, ends)) > 0) {
      inTime();
      await sleep(100);
    }
    return {
      rate: opts.rate,
      outageSeconds: (restartedAt - t0) / 1000,
      brokerStopSeconds: (stopped - t0) / 1000,
      brokerStartSeconds: (restartedAt - t1) / 1000,
      drainSeconds: (nowMs() - restartedAt) / 1000,
      acceptedBeforeRestart: backlog.length,
      acceptedDuringOutage: backlog.length - beforeOutage,
      unpublishedAtRestart,
      errors,
    };
  } finally {
    stop = true;
    await load;
    await admin.disconnect().catch(() => undefined);
    await Promise.all(Object.values(writers).map((p) => p.end()));
  }
}

async function count(db: pg.Pool, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: number }>(sql, params);
  return rows[0]!.n;
}
