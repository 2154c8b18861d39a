/**
 * B13: the read model rebuilt from the earliest offset through its admin API (a second
 * consumer group into fresh tables, align, compare checksums, swap), in events per second
 * (records in order.events + payment.events), against a bare kafkajs consumer that only
 * reads the same topics with the same consumer settings.
 */
import { ORDER_EVENTS_TOPIC, PAYMENT_EVENTS_TOPIC } from '@app/contracts';
import type { Agent } from 'node:http';

import { parseMetrics } from '../../apps/console/src/scrape/prometheus-text.js';
import { fillLog, type LogFill } from './b13-log.js';
import { resetStatementStats, settleDatabase, topStatements } from './databases.js';
import { benchKafka, topicRecords } from './kafka.js';
import { post } from './load.js';
import { cpuWindow, type Tracked } from './procstat.js';
import type { CpuReport } from './result.js';
import { median, nowMs, sleep } from './stats.js';

const TOPICS = [ORDER_EVENTS_TOPIC, PAYMENT_EVENTS_TOPIC];

export interface B13Result {
  events: number;
  fill: LogFill;
  rebuild: {
    seconds: number;
    eventsPerSecond: number;
    phases: Record<string, number>;
    checksumsMatch: boolean | null;
    status: Record<string, unknown>;
    cpu: CpuReport;
    transactions: { transactions: number; recordsPerTransaction: number } | null;
  };
  /** The median of RAW_READS plain reads (`runs`: each read's seconds; `cpu`: all of them). */
  raw: {
    seconds: number;
    eventsPerSecond: number;
    runs: number[];
    read: number;
    cpu: CpuReport;
  };
}

export async function runB13(
  readModelUrl: string,
  brokers: string[],
  agent: Agent,
  token: string,
  tag: string,
  tracked: Tracked[],
  log: {
    minEvents: number;
    dbUrls: { order_service: string; payment_service: string; read_model: string };
  },
  say: (line: string) => void,
  around: { before(): void; after(): Promise<void> } = {
    before: () => undefined,
    after: () => Promise.resolve(),
  },
): Promise<B13Result> {
  const kafka = benchKafka(brokers, 'bench-b13');
  const fill = await fillLog(
    kafka,
    log.dbUrls,
    await topicRecords(kafka, TOPICS),
    log.minEvents,
    tag,
    say,
  );
  const events = await topicRecords(kafka, TOPICS);
  say(`  before measuring: ${await settleDatabase(log.dbUrls.read_model)}`);

  // Baseline first: a plain read of everything, nothing done with it. Three reads, the
  // median kept: one read of the full log takes about 2 s, join included, and single reads
  // ranged from 68k to 149k events/s between runs (ADR 0009, session 9).
  const rawCpu = cpuWindow(tracked, 'B13 raw read', { name: 'bench (raw consumer)' });
  const rawRuns: number[] = [];
  let read = 0;
  for (let i = 1; i <= RAW_READS; i += 1) {
    const run = await rawRead(kafka, events, `bench-raw-read-${tag}-${i}`);
    rawRuns.push(run.seconds);
    read = run.read;
    say(`  raw read ${i}: ${Math.round(events / run.seconds)} events/s`);
  }
  const rawSeconds = median(rawRuns);
  const rawCpuReport = rawCpu();

  // The rebuild through the service.
  const auth = { authorization: `Bearer ${token}` };
  await resetStatementStats(log.dbUrls.read_model);
  around.before();
  const rebuildCpu = cpuWindow(tracked, 'B13 rebuild', { name: 'bench (poller)' });
  const started = await post(
    `${readModelUrl}/admin/replay`,
    JSON.stringify({ mode: 'rebuild' }),
    agent,
    auth,
  );
  if (started.status !== 202)
    throw new Error(`POST /admin/replay answered ${started.status}: ${started.body}`);
  const t0 = nowMs();
  const phases: Record<string, number> = {};
  let phase = 'preparing';
  let phaseAt = t0;
  let status: Record<string, unknown> = {};
  const deadline = t0 + 30 * 60_000;
  while (nowMs() < deadline) {
    const res = await fetch(`${readModelUrl}/admin/replay`, { headers: auth });
    status = (await res.json()) as Record<string, unknown>;
    const now = nowMs();
    const current = String(status.phase);
    if (current !== phase) {
      phases[phase] = (phases[phase] ?? 0) + (now - phaseAt) / 1000;
      phase = current;
      phaseAt = now;
    }
    if (current === 'done' || current === 'failed') break;
    await sleep(250);
  }
  const rebuildCpuReport = rebuildCpu();
  await around.after();
  const perTransaction = await rebuildTransactions(readModelUrl);
  for (const line of await topStatements(log.dbUrls.read_model, 8))
    say(`  B13 read-model database: ${line}`);
  if (status.phase !== 'done')
    throw new Error(`rebuild ended in phase ${String(status.phase)}: ${String(status.error)}`);
  const seconds =
    typeof status.startedAt === 'string' && typeof status.finishedAt === 'string'
      ? (Date.parse(status.finishedAt) - Date.parse(status.startedAt)) / 1000
      : (nowMs() - t0) / 1000;
  return {
    events,
    fill,
    rebuild: {
      seconds,
      eventsPerSecond: events / seconds,
      phases,
      checksumsMatch: (status.checksumsMatch as boolean | null) ?? null,
      status,
      cpu: rebuildCpuReport,
      transactions: perTransaction,
    },
    raw: {
      seconds: rawSeconds,
      eventsPerSecond: events / rawSeconds,
      runs: rawRuns,
      read,
      cpu: rawCpuReport,
    },
  };
}

const RAW_READS = 3;

/** One plain read of both topics from the earliest offset by a fresh group, join included. */
async function rawRead(
  kafka: ReturnType<typeof benchKafka>,
  events: number,
  groupId: string,
): Promise<{ seconds: number; read: number }> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 500 });
  let read = 0;
  const start = nowMs();
  await consumer.connect();
  await consumer.subscribe({ topics: TOPICS, fromBeginning: true });
  let doneAt = 0;
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 6,
    eachBatch: async ({ batch }) => {
      read += batch.messages.length;
      if (read >= events && doneAt === 0) doneAt = nowMs();
      await Promise.resolve();
    },
  });
  const deadline = nowMs() + 10 * 60_000;
  while (doneAt === 0 && nowMs() < deadline) await sleep(10);
  await consumer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteGroups([groupId]).catch(() => undefined);
  await admin.disconnect();
  return { seconds: ((doneAt || nowMs()) - start) / 1000, read };
}

/** How many transactions the rebuild's group made, and records per transaction on average. */
async function rebuildTransactions(
  readModelUrl: string,
): Promise<{ transactions: number; recordsPerTransaction: number } | null> {
  const res = await fetch(`${readModelUrl}/metrics`).catch(() => null);
  if (!res?.ok) return null;
  const { histograms } = await parseMetrics(await res.text(), ['consumer_records_per_transaction']);
  const rebuild = histograms.filter((h) => h.labels.consumer?.includes('-rebuild-'));
  const count = rebuild.reduce((n, h) => n + h.count, 0);
  const sum = rebuild.reduce((n, h) => n + h.sum, 0);
  return count > 0 ? { transactions: count, recordsPerTransaction: sum / count } : null;
}
