/**
 * The shape of one benchmark run (bench/results/<timestamp>.json), its validation, and the
 * table printed at the end of `npm run bench`. Pure: no I/O, so the unit tier can check a
 * recorded sample (test/bench-result.spec.ts).
 */

export const ROW_IDS = [
  'B1',
  'B4',
  'B7',
  'B8',
  'B10',
  'B12',
  'B13',
  'B14',
  'B4x3',
  'B8x3',
] as const;
export type RowId = (typeof ROW_IDS)[number];

export type RowStatus = 'ok' | 'failed' | 'not-run' | 'skipped';

/**
 * How the ratio (figure / baseline) is judged:
 * - min-ratio: ratio >= value (throughput against a baseline)
 * - max-ratio: ratio <= value (latency against a baseline)
 * - within: the row's own rule (B14: throughput ratio >= 1 - value and latency ratio <= 1 + value)
 * - defines: the row is the reference other rows are measured against (B1)
 * - reported: measured and reported, no pass/fail
 */
export interface RowTarget {
  kind: 'min-ratio' | 'max-ratio' | 'within' | 'defines' | 'reported';
  value: number | null;
  text: string;
}

export interface BenchRow {
  id: RowId;
  title: string;
  status: RowStatus;
  unit: string;
  figure: number | null;
  baseline: number | null;
  baselineLabel: string;
  ratio: number | null;
  target: RowTarget;
  targetMet: boolean | null;
  /** What bounds this figure on this machine (from the CPU and timing evidence). */
  limitedBy: string;
  /** Why a row was not run / skipped / failed, or a remark. */
  note: string | null;
  details: Record<string, unknown>;
}

export interface ProcessCpu {
  name: string;
  pids: number[];
  cpuSeconds: number;
  /** Share of one core over the window, in percent. */
  cpuPercent: number;
  /** Time its threads were runnable but had no CPU, in percent of the window (sum over threads). */
  runQueueWaitPercent: number;
  rssMb: number | null;
}

export interface CpuReport {
  window: string;
  wallSeconds: number;
  cores: number;
  processes: ProcessCpu[];
  /** Sum over the processes listed, in percent of one core (cores x 100 is the ceiling). */
  totalPercent: number;
  /** Everything the machine ran in the window (other users' work included), same unit. */
  machineBusyPercent: number;
}

export interface BenchResult {
  schemaVersion: 1;
  mode: 'quick' | 'full';
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  machine: {
    cores: number;
    cpuModel: string;
    totalMemoryMb: number;
    node: string;
    loadAverageAtStart: number[];
    loadAverageAtEnd: number[];
    sharedMachineNote: string;
  };
  postgres: { version: string; settings: Record<string, string>; note: string };
  kafka: { brokers: string[]; partitions: number; note: string };
  config: Record<string, unknown>;
  phases: { name: string; seconds: number }[];
  rows: BenchRow[];
  cpuDuringB4: CpuReport | null;
  profile: Record<string, unknown> | null;
  details: Record<string, unknown>;
}

/** Judges a row from its ratio and target (B14 is judged by its caller). */
export function judge(target: RowTarget, ratio: number | null): boolean | null {
  if (ratio === null || target.value === null) return null;
  if (target.kind === 'min-ratio') return ratio >= target.value;
  if (target.kind === 'max-ratio') return ratio <= target.value;
  return null;
}

export function ratioOf(figure: number | null, baseline: number | null): number | null {
  if (figure === null || baseline === null || baseline === 0) return null;
  return figure / baseline;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Returns the problems of a result (empty when well-formed). */
export function validateResult(value: unknown): string[] {
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null) return ['result is not an object'];
  const r = value as Partial<BenchResult>;
  if (r.schemaVersion !== 1) problems.push('schemaVersion must be 1');
  if (r.mode !== 'quick' && r.mode !== 'full') problems.push('mode must be quick or full');
  if (!isNum(r.machine?.cores) || r.machine.cores < 1) problems.push('machine.cores missing');
  for (const key of ['fsync', 'synchronous_commit', 'full_page_writes']) {
    if (typeof r.postgres?.settings?.[key] !== 'string')
      problems.push(`postgres.settings.${key} missing`);
  }
  if (!Array.isArray(r.rows)) return [...problems, 'rows missing'];
  for (const id of ROW_IDS) {
    const matches = r.rows.filter((row) => row?.id === id);
    if (matches.length !== 1) {
      problems.push(`row ${id}: expected exactly one, found ${matches.length}`);
      continue;
    }
    problems.push(...validateRow(matches[0]!).map((p) => `row ${id}: ${p}`));
  }
  return problems;
}

function validateRow(row: BenchRow): string[] {
  const p: string[] = [];
  for (const key of ['figure', 'baseline', 'ratio', 'targetMet'] as const) {
    if (!(key in row)) p.push(`${key} missing`);
  }
  const nullableNum = (v: unknown): boolean => v === null || isNum(v);
  if (!nullableNum(row.figure)) p.push('figure must be a number or null');
  if (!nullableNum(row.baseline)) p.push('baseline must be a number or null');
  if (!nullableNum(row.ratio)) p.push('ratio must be a number or null');
  if (row.targetMet !== null && typeof row.targetMet !== 'boolean')
    p.push('targetMet must be a boolean or null');
  if (!['ok', 'failed', 'not-run', 'skipped'].includes(row.status)) p.push('bad status');
  if (typeof row.target?.text !== 'string') p.push('target.text missing');
  if (typeof row.unit !== 'string') p.push('unit missing');
  if (row.status === 'ok') {
    if (!isNum(row.figure)) p.push('an ok row needs a figure');
    const judged = row.target.kind !== 'defines' && row.target.kind !== 'reported';
    if (judged) {
      if (!isNum(row.baseline)) p.push('an ok row with a target needs a baseline');
      if (!isNum(row.ratio)) p.push('an ok row with a target needs a ratio');
      if (typeof row.targetMet !== 'boolean') p.push('an ok row with a target needs targetMet');
      if (isNum(row.figure) && isNum(row.baseline) && isNum(row.ratio) && row.baseline !== 0) {
        if (Math.abs(row.figure / row.baseline - row.ratio) > 1e-6 * Math.max(1, row.ratio))
          p.push('ratio is not figure / baseline');
      }
    }
  } else if (typeof row.note !== 'string' || row.note.length === 0) {
    p.push(`a ${row.status} row needs a note saying why`);
  }
  return p;
}

const fmt = (v: number | null, digits = 1): string =>
  v === null ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(digits);

/** The table printed at the end of a run. */
export function formatTable(result: BenchResult): string {
  const header = ['id', 'figure', 'unit', 'baseline', 'ratio', 'target', 'met', 'limited by'];
  const rows = result.rows.map((r) => [
    r.id,
    r.status === 'ok' ? fmt(r.figure) : r.status.toUpperCase(),
    r.unit,
    r.status === 'ok' ? `${fmt(r.baseline)} ${r.baselineLabel}`.trim() : '-',
    r.ratio === null ? '-' : r.ratio.toFixed(2),
    r.target.text,
    r.targetMet === null ? '-' : r.targetMet ? 'yes' : 'NO',
    r.status === 'ok' ? r.limitedBy : (r.note ?? ''),
  ]);
  const widths = header.map((h, i) =>
    Math.min(i === 7 ? 200 : 48, Math.max(h.length, ...rows.map((r) => r[i]!.length))),
  );
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join(' | ');
  return [
    line(header),
    widths.map((w, i) => '-'.repeat(i === widths.length - 1 ? 10 : w)).join('-|-'),
    ...rows.map(line),
  ].join('\n');
}
