import { cpSync, existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';

import type { ConsumerGroupName } from '@app/contracts';

import { LauncherError } from '../ports.js';
import { ADMIN_TOKEN_DEFAULT, startStack } from '../stack.js';
import { audit } from '../audit/audit.js';
import { startLoad } from '../chaos/load.js';
import { httpGet } from '../http-get.js';
import { freePort } from '../free-port.js';
import { SERVICES } from '../services.js';
import { healAll, runFault, type FaultRecord } from './faults.js';
import { GROUP_IDS } from './groups.js';
import { waitForQuiet, inboxRows } from './quiet.js';
import { startRecoverySampler } from './recovery.js';
import type { NemesisReport } from './report.js';
import { faultSchedule } from './schedule.js';
import { Targets } from './targets.js';
import { judge, logContents, violationCount } from './verdict.js';

export interface NemesisOptions {
  minutes: number;
  seed: number;
  /** Mean gap between faults. */
  everyMs?: number;
  /** Orders per second the clients send (open loop). */
  ratePerSecond?: number;
  /** Where report.json, summary.txt and the processes' logs go. */
  outDir: string;
  log?: (line: string) => void;
  /** Ends the faults and the load early and skips the audit; everything started still stops. */
  signal?: AbortSignal;
}

/**
 * How long the healed system gets to publish every outbox row and commit every group to the
 * log's end before the audit counts what is left as violations. Generous on purpose: a
 * loaded machine (npm test beside other work) drains slowly, and a healthy run is quiet long
 * before; only a stuck system waits it out, and then fails.
 */
const QUIET_MS = 600_000;

/** Every session of the services commits synchronously, as in the chaos stack. */
const DURABLE_COMMITS = { PGOPTIONS: '-c synchronous_commit=on' };

/**
 * The nemesis: a three-node cluster, two instances of each service, open-loop load with
 * cancels racing payments, and a seeded schedule of faults; then it heals everything, waits
 * for quiet, audits, and reports. Resolves with the report (violationCount 0 means clean).
 */
export async function runNemesis(o: NemesisOptions): Promise<NemesisReport> {
  const log = o.log ?? (() => undefined);
  const startedAt = new Date();
  const loadAverage = loadavg();
  const ports = Object.fromEntries(
    await Promise.all(SERVICES.map(async (s) => [s.name, await freePort()] as const)),
  );
  const stack = await startStack({
    profile: 'test',
    kafkaNodes: 3,
    proxiedKafka: true,
    instances: { 'order-service': 2, 'payment-service': 2, 'read-model': 2 },
    ports,
    env: Object.fromEntries(SERVICES.map((s) => [s.name, DURABLE_COMMITS])),
    infraEnv: {},
    log,
  });
  const targets = new Targets(stack);
  const brokers = stack.infra.brokers;
  const durationMs = o.minutes * 60_000;
  const schedule = faultSchedule({
    seed: o.seed,
    durationMs,
    everyMs: o.everyMs ?? 8_000,
    instances: targets.instanceNames(),
    relays: ['order-service', 'payment-service'],
    brokers: stack.infra.kafkaNodes,
  });
  log(`nemesis: seed ${o.seed}, ${schedule.length} faults planned over ${o.minutes} min`);

  try {
    const recovery = startRecoverySampler(brokers);
    const load = startLoad({
      targets: () => targets.urls('order-service'),
      ratePerSecond: o.ratePerSecond ?? 8,
      maxOrders: 1_000_000,
      maxMs: durationMs,
      customers: 40,
      cancelEvery: 4,
      // Two of three brokers or PostgreSQL may be down for a while: clients keep retrying.
      retryForMs: 180_000,
    });
    const t0 = Date.now();
    const now = (): number => Date.now() - t0;
    const faults: FaultRecord[] = [];
    for (const fault of schedule) {
      const wait = fault.atMs - now();
      if (wait > 0) await sleepUnless(wait, o.signal);
      if (o.signal?.aborted) break;
      log(
        `nemesis: ${(now() / 1000).toFixed(1)} s ${fault.kind} ${fault.target} for ${fault.holdMs} ms`,
      );
      try {
        faults.push(await runFault(fault, targets, now));
      } catch (error) {
        faults.push({
          kind: fault.kind,
          target: fault.target,
          plannedAtMs: fault.atMs,
          startedAtMs: now(),
          note: `could not heal at once: ${String(error)}`,
        });
        log(`nemesis: ${fault.kind} ${fault.target}: ${String(error)}`);
      }
    }
    const result = o.signal?.aborted ? await load.stop() : await load.finished;
    if (o.signal?.aborted) throw new LauncherError('nemesis interrupted: no audit');
    log(`nemesis: load done (${result.orderIds.length} orders); healing everything`);
    await healAll(targets);
    const databases = {
      orders: stack.envFor('order-service').DATABASE_URL!,
      payments: stack.envFor('payment-service').DATABASE_URL!,
    };
    const healed = Date.now();
    await waitForQuiet(brokers, databases, QUIET_MS).then(
      () => log(`nemesis: quiet ${((Date.now() - healed) / 1000).toFixed(1)} s after healing`),
      (e: unknown) => log(`nemesis: not quiet: ${String(e)}`),
    );
    const longestRecoveryMs = await recovery.stop();
    if (o.signal?.aborted) throw new LauncherError('nemesis interrupted: no audit');
    const url = (service: (typeof SERVICES)[number]['name']): string => targets.urls(service)[0]!;
    const report = await audit(
      {
        urls: {
          'order-service': url('order-service'),
          'payment-service': url('payment-service'),
          'read-model': url('read-model'),
        },
        brokers,
        adminToken: stack.envFor('read-model').ADMIN_TOKEN ?? ADMIN_TOKEN_DEFAULT,
      },
      { waitMs: 120_000 },
    );
    const contents = await logContents(brokers);
    const inbox = {} as Record<ConsumerGroupName, number>;
    for (const group of GROUP_IDS)
      inbox[group] = await inboxRows(stack.envFor(group).DATABASE_URL!, group);
    const violations = judge(report, result.orderIds, contents.created, inbox, contents.actedOn);
    for (const failure of result.failures)
      violations.other.push(`a client request never succeeded: ${failure}`);
    let duplicates = 0;
    for (const slot of targets.live()) {
      const text = await (await httpGet(`${slot.proc!.url}/metrics`)).text();
      for (const m of text.matchAll(
        /^consumer_events_total\{[^}]*outcome="duplicate"[^}]*\} (\S+)$/gm,
      ))
        duplicates += Number(m[1]);
    }
    const byKind: Record<string, number> = {};
    for (const f of faults) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
    return {
      seed: o.seed,
      minutes: o.minutes,
      startedAt: startedAt.toISOString(),
      loadAverage,
      faults: { byKind, list: faults },
      orders: {
        accepted: result.orderIds.length,
        cancelled: result.cancelled,
        clientRetries: result.retries,
        clientFailures: result.failures,
      },
      records: {
        orderEvents: report.records.orderEvents,
        paymentEvents: report.records.paymentEvents,
        resent: report.records.resent,
      },
      duplicatesSuppressed: duplicates,
      longestRecoveryMs,
      audit: {
        ok: report.ok,
        orders: report.orders,
        byStatus: report.byStatus,
        customers: report.customers,
        deadLetters: report.deadLetters,
      },
      violations,
      violationCount: violationCount(violations),
      seconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    };
  } finally {
    const logs = join(stack.infra.runDir, 'logs');
    if (existsSync(logs)) cpSync(logs, join(o.outDir, 'logs'), { recursive: true });
    for (const node of stack.infra.kafka?.nodes ?? [])
      if (existsSync(node.logFile))
        cpSync(node.logFile, join(o.outDir, 'logs', `${node.name}.log`));
    await stack.stop();
  }
}

/** Waits `ms`, or less if `signal` aborts first. */
function sleepUnless(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
