/**
 * B8: time from an order's commit to the order being visible in the read model (the figure:
 * OrderCreated applied there, the same path as the bare pipeline's insert -> produce ->
 * consume -> upsert) and to its final state being visible (the whole saga), under
 * an open-loop arrival rate (half of B4), after a warm-up, several runs, median and spread.
 * Start: the moment the POST's 201 arrived (the commit happened just before); also reported
 * from the order's occurredAt. Visible: when the read model's consumer recorded the last of
 * the order's final events (OrderApproved/Rejected = order.events seq 2, PaymentAuthorized/
 * Rejected = payment.events seq 1) in its inbox, in the transaction that applied it
 * (clock_timestamp(), same host clock). Baseline: the bare pipeline, commit -> upsert.
 */
import { ORDER_EVENTS_TOPIC, PAYMENT_EVENTS_TOPIC, TOPOLOGY } from '@app/contracts';
import { eventIdFor } from '@app/messaging';

import type { BarePipeline } from './bare-pipeline.js';
import { inboxTimes, sagaHops, type Hop, type Times } from './b8-hops.js';
import { orderBody } from './fixtures.js';
import { openLoop, openLoopOps } from './load.js';
import { percentile, nowMs, sleep, spread, type Spread } from './stats.js';
import type { SystemUnderTest } from './system.js';

export interface LatencyRun {
  orders: number;
  missing: number;
  p50: number;
  p99: number;
  max: number;
}

export interface SystemLatencyRun extends LatencyRun {
  /** Same, measured from occurredAt (set before the order's transaction began). */
  fromOccurredP50: number;
  fromOccurredP99: number;
  /** One hop only: OrderCreated visible (the order shows PENDING), from the 201. */
  firstHopP50: number;
  firstHopP99: number;
  postP99Ms: number;
  /** Where the whole saga's time goes (b8-hops.ts). */
  hops: Hop[];
}

export interface B8Result {
  rate: number;
  warmupSeconds: number;
  measureSeconds: number;
  system: {
    p50: Spread;
    p99: Spread;
    firstHopP50: Spread;
    firstHopP99: Spread;
    runs: SystemLatencyRun[];
  };
  bare: { p50: Spread; p99: Spread; runs: LatencyRun[] };
}

let runNo = 0;

export async function systemLatencyRun(
  sut: SystemUnderTest,
  rate: number,
  warmupSeconds: number,
  measureSeconds: number,
  tag: string,
): Promise<SystemLatencyRun> {
  runNo += 1;
  const report = await openLoop({
    url: `${sut.orderServiceUrl}/orders`,
    rate,
    durationMs: (warmupSeconds + measureSeconds) * 1000,
    agent: sut.agent,
    keepOrderIds: true,
    body: (i) => orderBody(i),
    headers: (i) => ({ 'idempotency-key': `b8-${tag}-${runNo}-${i}` }),
  });
  const measured = report.shots.filter(
    (s) =>
      s.status === 201 && s.orderId && s.scheduledAt >= report.startedAt + warmupSeconds * 1000,
  );
  const ids = measured.map((s) => s.orderId!);
  const finalIds = ids.flatMap((id) => [
    eventIdFor(ORDER_EVENTS_TOPIC, id, 2),
    eventIdFor(PAYMENT_EVENTS_TOPIC, id, 1),
  ]);
  const firstIds = ids.map((id) => eventIdFor(ORDER_EVENTS_TOPIC, id, 1));
  const seen = await readModelInboxTimes(sut, finalIds, 60_000);
  const first = await readModelInboxTimes(sut, firstIds, 5_000);
  const { rows } = await sut.readDb.query<{ order_id: string; t: string }>(
    `SELECT order_id, (extract(epoch FROM created_at) * 1000)::float8 AS t
       FROM order_views WHERE order_id = ANY($1::uuid[])`,
    [ids],
  );
  const occurred = new Map(rows.map((r) => [r.order_id, Number(r.t)]));

  const lat: number[] = [];
  const fromOcc: number[] = [];
  const hop: number[] = [];
  let missing = 0;
  for (const s of measured) {
    const id = s.orderId!;
    const a = seen.get(eventIdFor(ORDER_EVENTS_TOPIC, id, 2));
    const b = seen.get(eventIdFor(PAYMENT_EVENTS_TOPIC, id, 1));
    if (a === undefined || b === undefined) {
      missing += 1;
      continue;
    }
    const visible = Math.max(a, b);
    lat.push(visible - s.doneAt);
    const occ = occurred.get(id);
    if (occ !== undefined) fromOcc.push(visible - occ);
    const h = first.get(eventIdFor(ORDER_EVENTS_TOPIC, id, 1));
    if (h !== undefined) hop.push(h - s.doneAt);
  }
  const posts = measured.map((s) => s.doneAt - s.scheduledAt);
  const hops = await sagaHops(sut, ids, new Map([...seen, ...first]));
  return {
    orders: measured.length,
    missing,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    max: Math.max(...lat),
    fromOccurredP50: percentile(fromOcc, 50),
    fromOccurredP99: percentile(fromOcc, 99),
    firstHopP50: percentile(hop, 50),
    firstHopP99: percentile(hop, 99),
    postP99Ms: percentile(posts, 99),
    hops,
  };
}

/** processed_at (epoch ms) of read-model inbox rows, waiting until all are there (bounded). */
async function readModelInboxTimes(
  sut: SystemUnderTest,
  eventIds: string[],
  timeoutMs: number,
): Promise<Times> {
  const group = TOPOLOGY['read-model'].group;
  const deadline = nowMs() + timeoutMs;
  for (;;) {
    const { rows } = await sut.readDb.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM inbox WHERE consumer = '${group}' AND event_id = ANY($1::uuid[])`,
      [eventIds],
    );
    if (rows[0]!.n >= eventIds.length || nowMs() > deadline) break;
    await sleep(200);
  }
  return inboxTimes(sut.readModelDbUrl, group, eventIds);
}

export async function bareLatencyRun(
  bare: BarePipeline,
  rate: number,
  warmupSeconds: number,
  measureSeconds: number,
): Promise<LatencyRun> {
  const run = await openLoopOps(rate, (warmupSeconds + measureSeconds) * 1000, (i, scheduledAt) =>
    bare.insert(i).then((r) => ({ ...r, scheduledAt })),
  );
  const measured = run.results.filter(
    (r): r is { id: string; committedAt: number; scheduledAt: number } =>
      r !== undefined && r.scheduledAt >= run.startedAt + warmupSeconds * 1000,
  );
  const visible = await bare.visibleAt(
    measured.map((r) => r.id),
    60_000,
  );
  const lat: number[] = [];
  let missing = 0;
  for (const r of measured) {
    const v = visible.get(r.id);
    if (v === undefined) missing += 1;
    else lat.push(v - r.committedAt);
  }
  return {
    orders: measured.length,
    missing,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    max: Math.max(...lat),
  };
}

export async function runB8(
  sut: SystemUnderTest,
  bare: BarePipeline,
  opts: { rate: number; runs: number; warmupSeconds: number; measureSeconds: number; tag: string },
): Promise<B8Result> {
  // Warm the bare pipeline's JIT and connections once, unmeasured (the system is warm from B4).
  await bareLatencyRun(bare, opts.rate, 2, 0.5);
  const sys: SystemLatencyRun[] = [];
  const raw: LatencyRun[] = [];
  for (let i = 0; i < opts.runs; i += 1) {
    const s = await systemLatencyRun(
      sut,
      opts.rate,
      opts.warmupSeconds,
      opts.measureSeconds,
      opts.tag,
    );
    sys.push(s);
    sut.log(
      `  B8 run ${i + 1} system: p50 ${s.p50.toFixed(0)} ms, p99 ${s.p99.toFixed(0)} ms ` +
        `(first hop p99 ${s.firstHopP99.toFixed(0)} ms, ${s.orders} orders, ${s.missing} missing)`,
    );
    for (const h of s.hops)
      sut.log(`    ${h.name}: p50 ${h.p50.toFixed(1)} ms, p99 ${h.p99.toFixed(1)} ms`);
    await sleep(500);
    const b = await bareLatencyRun(bare, opts.rate, opts.warmupSeconds, opts.measureSeconds);
    raw.push(b);
    sut.log(
      `  B8 run ${i + 1} bare:   p50 ${b.p50.toFixed(1)} ms, p99 ${b.p99.toFixed(1)} ms (${b.orders} orders, ${b.missing} missing)`,
    );
    await sleep(500);
  }
  return {
    rate: opts.rate,
    warmupSeconds: opts.warmupSeconds,
    measureSeconds: opts.measureSeconds,
    system: {
      p50: spread(sys.map((r) => r.p50)),
      p99: spread(sys.map((r) => r.p99)),
      firstHopP50: spread(sys.map((r) => r.firstHopP50)),
      firstHopP99: spread(sys.map((r) => r.firstHopP99)),
      runs: sys,
    },
    bare: { p50: spread(raw.map((r) => r.p50)), p99: spread(raw.map((r) => r.p99)), runs: raw },
  };
}
