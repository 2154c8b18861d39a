/**
 * Reads a V8 .cpuprofile and says where the time went: self time by area (a package under
 * node_modules, Node's internals, the project's own code, GC, idle) and the top functions.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileSummary {
  file: string;
  seconds: number;
  busyPercent: number;
  byArea: { area: string; percent: number }[];
  /**
   * Self time of Node's internals and native code (socket writes, microtasks...) charged to the
   * nearest calling package or project module: which library the time is spent for.
   */
  byCaller: { area: string; percent: number }[];
  topFunctions: { fn: string; percent: number }[];
}

function areaOf(url: string, fn: string): string {
  if (fn === '(idle)') return '(idle)';
  if (fn === '(garbage collector)') return '(gc)';
  if (fn === '(program)') return '(program: native/VM)';
  if (!url) return `(native: ${fn || 'anonymous'})`;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith('node:')) return 'node core';
  const own = /dist\/(apps\/[^/]+|libs\/[^/]+)/.exec(url);
  if (own) return own[1]!;
  return url.split('/').slice(-2).join('/');
}

export function summarizeProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  if (profile.samples && profile.timeDeltas) {
    for (let i = 0; i < profile.samples.length; i += 1) {
      const id = profile.samples[i]!;
      selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
    }
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0) || 1;
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const isLibrary = (area: string): boolean => !area.startsWith('(') && area !== 'node core';
  const callerArea = (id: number): string => {
    const own = byId.get(id)!;
    const ownArea = areaOf(own.callFrame.url, own.callFrame.functionName);
    if (isLibrary(ownArea) || ownArea === '(idle)' || ownArea === '(gc)') return ownArea;
    for (let p = parent.get(id); p !== undefined; p = parent.get(p)) {
      const n = byId.get(p)!;
      const a = areaOf(n.callFrame.url, n.callFrame.functionName);
      if (isLibrary(a)) return a;
    }
    return ownArea;
  };
  const callers = new Map<string, number>();
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  let idle = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(url, functionName);
    if (area === '(idle)') idle += us;
    const caller = callerArea(id);
    callers.set(caller, (callers.get(caller) ?? 0) + us);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const key = `${functionName || '(anonymous)'} ${area}${url ? `:${lineNumber + 1}` : ''}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
  }
  const busy = total - idle || 1;
  const pct = (us: number): number => Math.round((us / busy) * 1000) / 10;
  return {
    file,
    seconds: (profile.endTime - profile.startTime) / 1e6,
    busyPercent: Math.round(((total - idle) / total) * 1000) / 10,
    byArea: [...areas]
      .filter(([a]) => a !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([area, us]) => ({ area, percent: pct(us) })),
    byCaller: [...callers]
      .filter(([a]) => a !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([area, us]) => ({ area, percent: pct(us) })),
    topFunctions: [...fns]
      .filter(([k]) => !k.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, us]) => ({ fn, percent: pct(us) })),
  };
}
