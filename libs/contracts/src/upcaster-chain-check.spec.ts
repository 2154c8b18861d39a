import type { SchemaObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, type EventDefinition } from './catalogue.js';
import { fixtureEnvelope } from './test/golden-fixtures.js';
import { defineUpcaster, type Upcaster } from './upcaster.js';
import { upcasterChainProblems } from './upcaster-chain-check.js';

describe('Upcaster chain of every catalogued event', () => {
  it.each(Object.entries(CATALOGUE))(
    '%s walks every golden fixture up to its current version',
    (type, def) => {
      const samples = new Map<number, unknown>();
      for (let version = 1; version <= def.currentVersion; version += 1) {
        samples.set(version, fixtureEnvelope(type, version).payload);
      }
      expect(upcasterChainProblems(def, samples)).toEqual([]);
    },
  );
});

// A made-up event with two versions: v2 renamed `amount` to `total` (required).
const v1: SchemaObject = {
  type: 'object',
  properties: { amount: { type: 'integer' } },
  required: ['amount'],
  additionalProperties: true,
};
const v2: SchemaObject = {
  type: 'object',
  properties: { total: { type: 'integer' } },
  required: ['total'],
  additionalProperties: true,
};
const definitionWith = (upcasters: Upcaster[]): EventDefinition => ({
  topic: 'test.events',
  currentVersion: 2,
  schemas: [v1, v2],
  upcasters,
});
const samples = new Map<number, unknown>([
  [1, { amount: 5 }],
  [2, { total: 5 }],
]);

describe('The upcaster harness', () => {
  it('accepts a sound chain', () => {
    const sound = defineUpcaster(1, ({ amount }: { amount: number }) => ({ total: amount }));
    expect(upcasterChainProblems(definitionWith([sound]), samples)).toEqual([]);
  });

  it('catches an upcaster whose output the next schema refuses', () => {
    const forgetful = defineUpcaster(1, ({ amount }: { amount: number }) => ({ sum: amount }));
    expect(upcasterChainProblems(definitionWith([forgetful]), samples)).toEqual([
      expect.stringContaining('v1->v2 yields an invalid v2'),
    ]);
  });

  it('catches an upcaster that mutates the stored record', () => {
    const mutating = defineUpcaster(1, (p: { amount: number; total?: number }) => {
      p.total = p.amount;
      return p;
    });
    expect(upcasterChainProblems(definitionWith([mutating]), samples)).toEqual([
      expect.stringContaining('v1->v2 threw'),
    ]);
  });

  it('catches an upcaster that is not deterministic', () => {
    let calls = 0;
    const drifting = defineUpcaster(1, () => ({ total: (calls += 1) }));
    expect(upcasterChainProblems(definitionWith([drifting]), samples)).toEqual([
      'v1->v2 is not deterministic',
    ]);
  });

  it('catches a gap in the chain', () => {
    expect(upcasterChainProblems(definitionWith([]), samples)).toEqual([
      '0 upcasters for current version v2',
      expect.stringContaining('v1->v2 threw'),
    ]);
  });

  it('catches a sample that is not valid for the version it claims', () => {
    const sound = defineUpcaster(1, ({ amount }: { amount: number }) => ({ total: amount }));
    expect(upcasterChainProblems(definitionWith([sound]), new Map([[1, { amount: '5' }]]))).toEqual(
      [expect.stringContaining('sample v1 is not a valid v1')],
    );
  });
});
