/**
 * B4: the highest arrival rate of POST /orders that the whole system sustains end to end
 * (the read model shows each order's final state) with a bounded lag. Each trial is an
 * open-loop run at a fixed rate; the lag (orders accepted - orders final in the read model)
 * is sampled every half second. A trial passes when the generator kept its rate, almost no
 * request failed, the lag did not keep growing in the second half, and the backlog drained
 * within a few seconds of the end. The rate is searched geometrically, then by bisection.
 */
import { databaseStats } from './databases.js';
import { orderBody } from './fixtures.js';
import { openLoop } from './load.js';
import { cpuWindow } from './procstat.js';
import type { CpuReport } from './result.js';
import { percentile, slope, nowMs, sleep, round } from './stats.js';
import { finalSince, type SystemUnderTest } from './system.js';

export interface TrialResult {
  rate: number;
  seconds: number;
  sent: number;
  accepted: number;
  errors: number;
  dropped: number;
  arrivalPerSecond: number;
  /** Orders reaching their final state per second over the last two thirds of the load. */
  completedPerSecond: number;
  /** Orders final / time from the first request until the drain ended (or gave up). */
  episodePerSecond: number;
  /** Growth of the lag in the second half, orders per second. */
  lagSlope: number;
  maxLag: number;
  drainSeconds: number | null;
  postP50Ms: number;
  postP99Ms: number;
  pass: boolean;
  why: string;
  cpu: CpuReport;
  /** Transactions committed per accepted order, per database. */
  commitsPerOrder: Record<string, number>;
  /** Statements executed per accepted order, per database (null: not counted). */
  statementsPerOrder: Record<string, number> | null;
  /** CPU milliseconds per accepted order, per process (stable under machine noise, unlike rates). */
  cpuMsPerOrder: Record<string, number>;
}

export interface B4Result {
  ordersPerSecond: number;
  best: TrialResult | null;
  trials: TrialResult[];
}

export interface B4Options {
  initialRate: number;
  trialSeconds: number;
  maxTrials: number;
  drainTimeoutSeconds: number;
  /** Stop bisecting when (fail - pass) / pass is below this. */
  resolution: number;
  tag: string;
  /** A narrower search around a known rate (B14). */
  hint?: number;
}

let trialNo = 0;

export async function b4Trial(
  sut: SystemUnderTest,
  rate: number,
  seconds: number,
  drainTimeoutSeconds: number,
  tag: string,
): Promise<TrialResult> {
  trialNo += 1;
  const since = new Date(Date.now() - 2);
  const points: { t: number; accepted: number; final: number }[] = [];
  let accepted = 0;
  const statsBefore = await databaseStats(sut.adminDbUrl);
  const closeCpu = cpuWindow(sut.tracked, `B4 trial at ${rate.toFixed(0)}/s`, {
    name: 'bench (load generator)',
  });
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const t = nowMs();
      const final = await finalSince(sut.readDb, since);
      points.push({ t, accepted, final });
      await sleep(500);
    }
  })();
  const report = await openLoop({
    url: `${sut.orderServiceUrl}/orders`,
    rate,
    durationMs: seconds * 1000,
    agent: sut.agent,
    body: (i) => orderBody(i),
    headers: (i) => ({ 'idempotency-key': `b4-${tag}-${trialNo}-${i}` }),
    onDone: (shot) => {
      if (shot.status === 201) accepted += 1;
    },
  });
  const cpu = closeCpu();
  // Drain: every accepted order must reach its final state.
  const endAt = report.endedAt;
  let drainSeconds: number | null = null;
  const drainDeadline = nowMs() + drainTimeoutSeconds * 1000;
  let finalAtEnd = 0;
  let episodeEnd = 0;
  for (;;) {
    finalAtEnd = await finalSince(sut.readDb, since);
    episodeEnd = nowMs();
    if (finalAtEnd >= accepted) {
      drainSeconds = (episodeEnd - endAt) / 1000;
      break;
    }
    if (episodeEnd > drainDeadline) break;
    await sleep(100);
  }
  polling = false;
  await poller;
  const statsAfter = await databaseStats(sut.adminDbUrl);

  const start = report.startedAt;
  const load = points.filter((p) => p.t <= endAt);
  const secondHalf = load.filter((p) => p.t >= start + (seconds * 1000) / 2);
  const lagSlope = slope(
    secondHalf.map((p) => ({ x: (p.t - start) / 1000, y: p.accepted - p.final })),
  );
  const maxLag = Math.max(0, ...load.map((p) => p.accepted - p.final));
  const from = load.find((p) => p.t >= start + (seconds * 1000) / 3) ?? load[0];
  const to = load[load.length - 1];
  const completedPerSecond =
    from && to && to.t > from.t ? ((to.final - from.final) / (to.t - from.t)) * 1000 : 0;

  const sent = report.shots.filter((s) => s.sentAt > 0).length;
  const errors = report.shots.filter((s) => s.sentAt > 0 && s.status !== 201).length;
  const latencies = report.shots
    .filter((s) => s.status === 201)
    .map((s) => s.doneAt - s.scheduledAt);
  const arrivalPerSecond = (sent / (endAt - start)) * 1000;

  const reasons: string[] = [];
  if (report.dropped > 0) reasons.push(`${report.dropped} requests dropped (in-flight cap)`);
  if (errors > 0.005 * sent) reasons.push(`${errors} errors`);
  if (arrivalPerSecond < 0.97 * rate)
    reasons.push(`generator reached ${arrivalPerSecond.toFixed(0)}/s`);
  if (lagSlope > Math.max(0.05 * rate, 1)) reasons.push(`lag grew ${lagSlope.toFixed(1)} orders/s`);
  if (drainSeconds === null) reasons.push(`not drained within ${drainTimeoutSeconds} s`);
  else if (drainSeconds > 5) reasons.push(`drain took ${drainSeconds.toFixed(1)} s`);

  const commitsPerOrder: Record<string, number> = {};
  for (const db of ['order_service', 'payment_service', 'read_model']) {
    const before = statsBefore[db]?.commits ?? 0;
    const after = statsAfter[db]?.commits ?? 0;
    commitsPerOrder[db] = accepted > 0 ? round((after - before) / accepted, 2) : 0;
  }
  let statementsPerOrder: Record<string, number> | null = {};
  for (const db of ['order_service', 'payment_service', 'read_model']) {
    const before = statsBefore[db]?.statements;
    const after = statsAfter[db]?.statements;
    if (before == null || after == null) statementsPerOrder = null;
    else if (statementsPerOrder)
      statementsPerOrder[db] = accepted > 0 ? round((after - before) / accepted, 2) : 0;
  }
  const cpuMsPerOrder: Record<string, number> = {};
  for (const p of cpu.processes) {
    cpuMsPerOrder[p.name] = accepted > 0 ? round((p.cpuSeconds * 1000) / accepted, 2) : 0;
  }
  cpuMsPerOrder.total = round(
    Object.values(cpuMsPerOrder).reduce((a, b) => a + b, 0),
    2,
  );
  const result: TrialResult = {
    rate,
    seconds,
    sent,
    accepted,
    errors,
    dropped: report.dropped,
    arrivalPerSecond,
    completedPerSecond,
    episodePerSecond: (finalAtEnd / (episodeEnd - report.startedAt)) * 1000,
    lagSlope,
    maxLag,
    drainSeconds,
    postP50Ms: percentile(latencies, 50),
    postP99Ms: percentile(latencies, 99),
    pass: reasons.length === 0,
    why: reasons.join('; ') || 'kept up',
    cpu,
    commitsPerOrder,
    statementsPerOrder,
    cpuMsPerOrder,
  };
  sut.log(
    `  B4 trial ${rate.toFixed(0)}/s x ${seconds}s: ${result.pass ? 'PASS' : 'fail'} ` +
      `(completed ${completedPerSecond.toFixed(0)}/s in window, ${result.episodePerSecond.toFixed(0)}/s incl. drain, max lag ${maxLag}, slope ${lagSlope.toFixed(1)}/s, ` +
      `drain ${drainSeconds === null ? 'n/a' : drainSeconds.toFixed(1) + ' s'}, POST p99 ${result.postP99Ms.toFixed(0)} ms, ` +
      `CPU ${cpu.totalPercent.toFixed(0)}%) ${result.pass ? '' : result.why}`,
  );
  if (drainSeconds === null) await settle(sut, since, accepted, 120);
  return result;
}

/** Waits (bounded) until the backlog of a failed trial is gone, so the next starts clean. */
async function settle(sut: SystemUnderTest, since: Date, accepted: number, maxSeconds: number) {
  const deadline = nowMs() + maxSeconds * 1000;
  while (nowMs() < deadline) {
    if ((await finalSince(sut.readDb, since)) >= accepted) return;
    await sleep(500);
  }
  sut.log(`  (backlog still not drained after ${maxSeconds} s more; going on)`);
}

export async function runB4(sut: SystemUnderTest, opts: B4Options): Promise<B4Result> {
  const trials: TrialResult[] = [];
  let lo = 0;
  let hi = Number.POSITIVE_INFINITY;
  let best: TrialResult | null = null;
  let rate = opts.hint ?? opts.initialRate;
  for (let i = 0; i < opts.maxTrials; i += 1) {
    const t = await b4Trial(
      sut,
      Math.round(rate),
      opts.trialSeconds,
      opts.drainTimeoutSeconds,
      opts.tag,
    );
    trials.push(t);
    if (t.pass) {
      if (t.rate > lo) {
        lo = t.rate;
        best = t;
      }
    } else hi = Math.min(hi, t.rate);
    if (Number.isFinite(hi) && lo > 0 && (hi - lo) / lo < opts.resolution) break;
    if (!Number.isFinite(hi)) {
      // Still passing: go up, faster when far from any sign of saturation.
      rate = t.rate * (opts.hint ? 1.15 : 1.6);
    } else if (lo === 0) {
      // Failing from the start: what a failed trial pushed through, drain included, is about
      // the capacity (its in-window completions are not, when the queue is longer than the trial).
      rate = Math.min(t.rate * 0.8, Math.max(2, t.episodePerSecond * 0.85));
    } else rate = (lo + hi) / 2;
    await sleep(1000);
  }
  return { ordersPerSecond: best ? best.completedPerSecond : 0, best, trials };
}
