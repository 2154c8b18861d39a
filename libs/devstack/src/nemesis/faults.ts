import { isAlive, signal } from '../pid-registry.js';
import type { FaultKind, PlannedFault } from './schedule.js';
import type { Targets } from './targets.js';

/** A fault as it happened: what, on which process, from when to when (ms since the start). */
export interface FaultRecord {
  kind: FaultKind;
  /** The process or link it hit (the relay leader's instance name, not just its service). */
  target: string;
  plannedAtMs: number;
  startedAtMs: number;
  healedAtMs?: number;
  note?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Applies one planned fault, holds it, and heals it: a killed process is started again (on
 * its port and storage), a paused one continued, a proxy cleared, PostgreSQL restarted.
 */
export async function runFault(
  fault: PlannedFault,
  t: Targets,
  now: () => number,
): Promise<FaultRecord> {
  const record: FaultRecord = {
    kind: fault.kind,
    target: fault.target,
    plannedAtMs: fault.atMs,
    startedAtMs: now(),
  };
  const done = (note?: string): FaultRecord => {
    record.healedAtMs = now();
    if (note) record.note = note;
    return record;
  };
  switch (fault.kind) {
    case 'kill-service':
    case 'kill-relay-leader': {
      const slot =
        fault.kind === 'kill-relay-leader'
          ? await t.relayLeader(fault.target as 'order-service')
          : t.slots.get(fault.target);
      if (!slot?.proc) return done('no live target (no relay leader known right now)');
      record.target = slot.name;
      await slot.proc.kill();
      slot.proc = undefined;
      await sleep(fault.holdMs);
      await t.restart(slot);
      return done();
    }
    case 'pause-service': {
      const slot = t.slots.get(fault.target);
      if (!slot?.proc) return done('not running');
      slot.proc.pause();
      await sleep(fault.holdMs);
      slot.proc.resume();
      return done();
    }
    case 'kill-broker': {
      const node = t.broker(fault.target);
      await node.kill();
      await sleep(fault.holdMs);
      await t.stack.infra.kafka!.restartNode(node.nodeId);
      return done();
    }
    case 'pause-broker': {
      const node = t.broker(fault.target);
      node.pause();
      await sleep(fault.holdMs);
      node.resume();
      return done();
    }
    case 'postgres-restart': {
      const pg = t.stack.infra.postgres!;
      await pg.crash();
      await sleep(fault.holdMs);
      await pg.restart();
      return done();
    }
    case 'latency': {
      const proxy = t.stack.infra.kafkaProxies[t.broker(fault.target).nodeId - 1]!;
      proxy.setLatency(fault.latencyMs ?? 200);
      record.note = `${fault.latencyMs} ms one way`;
      await sleep(fault.holdMs);
      proxy.setLatency(0);
      return done(record.note);
    }
    case 'blackhole': {
      const proxy = t.stack.infra.kafkaProxies[t.broker(fault.target).nodeId - 1]!;
      proxy.blackhole(true);
      await sleep(fault.holdMs);
      proxy.blackhole(false);
      return done();
    }
  }
}

/** Ends every fault still in place: everything runs, nothing is paused, links are clean. */
export async function healAll(t: Targets): Promise<void> {
  for (const proxy of t.stack.infra.kafkaProxies) {
    proxy.blackhole(false);
    proxy.setLatency(0);
  }
  const kafka = t.stack.infra.kafka!;
  for (const node of kafka.nodes) {
    if (node.running()) node.resume();
    else await kafka.restartNode(node.nodeId);
  }
  const pg = t.stack.infra.postgres!;
  if (!isAlive(pg.pid)) await pg.restart();
  for (const slot of t.slots.values()) {
    if (slot.proc && isAlive(slot.proc.pid)) signal(slot.proc.pid, 'SIGCONT');
    else {
      // A loaded machine can take longer than the readiness timeout: try again.
      await t.restart(slot).catch(() => t.restart(slot));
    }
  }
}
