/**
 * CPU time and memory of processes from /proc (Linux): utime+stime per pid, children found by
 * walking /proc/<pid>/stat's ppid. A process counts what its live children used; children
 * that exited inside the window are in the parent's cutime/cstime, which is counted too.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';

import type { CpuReport, ProcessCpu } from './result.js';

let clkTck = 0;
export function clockTicks(): number {
  if (clkTck === 0) {
    const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    clkTck = Number.parseInt(out.stdout ?? '', 10) || 100;
  }
  return clkTck;
}

interface Stat {
  ppid: number;
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
}

export function readStat(pid: number): Stat | null {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
    return {
      ppid: Number(fields[1]),
      utime: Number(fields[11]),
      stime: Number(fields[12]),
      cutime: Number(fields[13]),
      cstime: Number(fields[14]),
    };
  } catch {
    return null;
  }
}

export function childrenOf(parent: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    if (readStat(pid)?.ppid === parent) out.push(pid);
  }
  return out;
}

export function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Nanoseconds a process (all its threads) spent runnable but waiting for a CPU. */
export function runQueueWaitNs(pid: number): number {
  let total = 0;
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      try {
        const fields = readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ');
        total += Number(fields[1] ?? 0);
      } catch {
        // thread gone
      }
    }
  } catch {
    // process gone
  }
  return total;
}

/** Busy and total jiffies of the whole machine (/proc/stat), every process of every user. */
function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

export interface Tracked {
  name: string;
  pid: number;
  /** Also count its children (PostgreSQL's backends). */
  withChildren?: boolean;
}

interface Sample {
  at: number;
  machine: { busy: number; total: number };
  ticks: Map<string, { ticks: number; pids: number[]; waitNs: number }>;
}

function sample(targets: readonly Tracked[]): Sample {
  const ticks = new Map<string, { ticks: number; pids: number[]; waitNs: number }>();
  for (const t of targets) {
    const own = readStat(t.pid);
    if (!own) continue;
    let total = own.utime + own.stime;
    let waitNs = runQueueWaitNs(t.pid);
    const pids = [t.pid];
    if (t.withChildren) {
      total += own.cutime + own.cstime;
      for (const child of childrenOf(t.pid)) {
        const s = readStat(child);
        if (s) {
          total += s.utime + s.stime;
          waitNs += runQueueWaitNs(child);
          pids.push(child);
        }
      }
    }
    ticks.set(t.name, { ticks: total, pids, waitNs });
  }
  return { at: performance.now(), machine: machineTicks(), ticks };
}

/** Starts a CPU window; call the returned function to close it and get the report. */
export function cpuWindow(
  targets: readonly Tracked[],
  window: string,
  self?: { name: string },
): () => CpuReport {
  const before = sample(targets);
  const selfBefore = process.cpuUsage();
  const selfWaitBefore = runQueueWaitNs(process.pid);
  return () => {
    const after = sample(targets);
    const wall = (after.at - before.at) / 1000;
    const tck = clockTicks();
    const processes: ProcessCpu[] = targets.flatMap((t) => {
      const a = after.ticks.get(t.name);
      const b = before.ticks.get(t.name);
      if (!a || !b) return [];
      const seconds = Math.max(0, a.ticks - b.ticks) / tck;
      const waitSeconds = Math.max(0, a.waitNs - b.waitNs) / 1e9;
      // For PostgreSQL this is the postmaster alone (backends share its buffers).
      const rss = rssMb(t.pid);
      return [
        {
          name: t.name,
          pids: a.pids,
          cpuSeconds: seconds,
          cpuPercent: (seconds / wall) * 100,
          runQueueWaitPercent: (waitSeconds / wall) * 100,
          rssMb: rss === null ? null : Math.round(rss),
        },
      ];
    });
    if (self) {
      const used = process.cpuUsage(selfBefore);
      const seconds = (used.user + used.system) / 1e6;
      processes.push({
        name: self.name,
        pids: [process.pid],
        cpuSeconds: seconds,
        cpuPercent: (seconds / wall) * 100,
        runQueueWaitPercent: ((runQueueWaitNs(process.pid) - selfWaitBefore) / 1e9 / wall) * 100,
        rssMb: Math.round(process.memoryUsage().rss / 1024 / 1024),
      });
    }
    const machineBusy = after.machine.busy - before.machine.busy;
    const machineTotal = after.machine.total - before.machine.total || 1;
    return {
      window,
      wallSeconds: wall,
      cores: cpus().length,
      processes,
      totalPercent: processes.reduce((s, p) => s + p.cpuPercent, 0),
      machineBusyPercent: (machineBusy / machineTotal) * 100 * cpus().length,
    };
  };
}
