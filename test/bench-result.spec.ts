import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import {
  ROW_IDS,
  formatTable,
  judge,
  validateResult,
  type BenchResult,
} from '../bench/src/result.js';

// A result written by `npm run bench -- --quick` on the two-core development machine, kept as
// a fixture: benchmarks never run inside `npm test`, only the shape of what they write is checked.
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sample = (): BenchResult =>
  JSON.parse(readFileSync(join(root, 'bench/fixtures/quick-sample.json'), 'utf8')) as BenchResult;

describe('bench result (recorded quick-mode sample)', () => {
  it('is well-formed', () => {
    expect(validateResult(sample())).toEqual([]);
  });

  it('has every row id, each with figure, baseline, ratio and target-met flag', () => {
    const rows = sample().rows;
    expect(rows.map((r) => r.id).sort()).toEqual([...ROW_IDS].sort());
    for (const row of rows) {
      expect(row).toHaveProperty('figure');
      expect(row).toHaveProperty('baseline');
      expect(row).toHaveProperty('ratio');
      expect(row).toHaveProperty('targetMet');
      if (row.status === 'ok' && row.target.kind !== 'defines' && row.target.kind !== 'reported') {
        expect(typeof row.figure).toBe('number');
        expect(typeof row.baseline).toBe('number');
        expect(row.ratio).toBeCloseTo(row.figure! / row.baseline!, 6);
        expect(typeof row.targetMet).toBe('boolean');
      }
    }
  });

  it('says how PostgreSQL ran and on how many cores', () => {
    const r = sample();
    expect(r.mode).toBe('quick');
    expect(r.machine.cores).toBeGreaterThan(0);
    expect(r.postgres.settings.fsync).toBe('off');
    // Kept on by the launcher (a crash must not lose confirmed commits); fsync is what is off.
    expect(r.postgres.settings.synchronous_commit).toBe('on');
    expect(r.postgres.settings.full_page_writes).toBe('off');
  });

  it('renders one table line per row', () => {
    const table = formatTable(sample()).split('\n');
    expect(table).toHaveLength(2 + ROW_IDS.length);
    for (const id of ROW_IDS) expect(table.some((l) => l.startsWith(`${id} `))).toBe(true);
  });
});

describe('bench result validation catches', () => {
  it('a missing row', () => {
    const r = sample();
    r.rows = r.rows.filter((row) => row.id !== 'B7');
    expect(validateResult(r)).toContain('row B7: expected exactly one, found 0');
  });

  it('an ok row without a figure, and a ratio that is not figure / baseline', () => {
    const r = sample();
    const b7 = r.rows.find((row) => row.id === 'B7')!;
    b7.status = 'ok';
    b7.figure = 100;
    b7.baseline = 200;
    b7.ratio = 0.9;
    b7.targetMet = true;
    expect(validateResult(r)).toContain('row B7: ratio is not figure / baseline');
    b7.figure = null;
    expect(validateResult(r)).toContain('row B7: an ok row needs a figure');
  });

  it('a row that did not run without saying why', () => {
    const r = sample();
    const b10 = r.rows.find((row) => row.id === 'B10')!;
    b10.status = 'not-run';
    b10.note = null;
    expect(validateResult(r)).toContain('row B10: a not-run row needs a note saying why');
  });

  it('undeclared durability settings', () => {
    const r = sample();
    delete r.postgres.settings.fsync;
    expect(validateResult(r)).toContain('postgres.settings.fsync missing');
  });
});

describe('targets', () => {
  it('judges throughput rows by a minimum and latency rows by a maximum ratio', () => {
    expect(judge({ kind: 'min-ratio', value: 0.5, text: '' }, 0.6)).toBe(true);
    expect(judge({ kind: 'min-ratio', value: 0.5, text: '' }, 0.4)).toBe(false);
    expect(judge({ kind: 'max-ratio', value: 3, text: '' }, 2.9)).toBe(true);
    expect(judge({ kind: 'max-ratio', value: 3, text: '' }, 3.1)).toBe(false);
    expect(judge({ kind: 'reported', value: null, text: '' }, 1)).toBeNull();
  });
});
