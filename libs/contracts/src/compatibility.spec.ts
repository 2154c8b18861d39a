import type { SchemaObject } from 'ajv';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Catalogue, EventDefinition } from './catalogue.js';
import { canonicalJson } from './canonical-json.js';
import { compatibilityProblems, publishableSchemas } from './compatibility.js';
import { readContractFiles } from './contract-files.js';
import { defineUpcaster, type Upcaster } from './upcaster.js';

const CONTRACTS_DIR = fileURLToPath(new URL('../', import.meta.url));

describe('The contracts of this repository (the CI gate of invariant 8)', () => {
  const files = readContractFiles(CONTRACTS_DIR);

  it('only grew: every version is published, frozen, has a fixture and reads the previous one', () => {
    expect(compatibilityProblems(files)).toEqual([]);
  });

  it('has exactly the published files the publish command would write', () => {
    const published = [...files.keys()].filter((path) => path.startsWith('published/'));
    expect(published.sort()).toEqual([...publishableSchemas().keys()].sort());
  });
});

// A made-up event: v1 as published; each test derives a v2 from it.
const v1: SchemaObject = {
  type: 'object',
  properties: {
    orderId: { type: 'string', minLength: 1 },
    amount: { type: 'integer', minimum: 0 },
    note: { type: 'string' },
    lines: {
      type: 'array',
      items: {
        type: 'object',
        properties: { sku: { type: 'string' }, kind: { type: 'string', enum: ['book', 'pen'] } },
        required: ['sku'],
      },
    },
  },
  required: ['orderId', 'amount'],
  additionalProperties: true,
};
const v1Payload = { orderId: 'o-1', amount: 5, lines: [{ sku: 'A', kind: 'pen' }] };

/** A schema to edit freely; `field()` makes a nested one. */
interface Loose {
  properties: Record<string, Loose>;
  items: Loose;
  required: string[];
  [keyword: string]: unknown;
}
const field = (schema: object): Loose => schema as Loose;
/** v1 with `change` applied to a copy. */
const v1With = (change: (schema: Loose) => void): SchemaObject => {
  const schema = structuredClone(v1) as Loose;
  change(schema);
  return schema;
};
const passThrough = defineUpcaster(1, (p: object) => ({ ...p }));
const catalogueOf = (schemas: SchemaObject[], upcasters: Upcaster[] = []): Catalogue => {
  const definition: EventDefinition = {
    topic: 'test.events',
    currentVersion: schemas.length,
    schemas,
    upcasters,
  };
  return { ParcelSent: definition };
};
/** What the repository holds after publishing `published`: its schemas and one fixture each. */
function filesOf(published: Catalogue, payloads: unknown[] = [v1Payload]): Map<string, string> {
  const files = publishableSchemas(published);
  payloads.forEach((payload, index) => {
    files.set(`fixtures/parcel-sent/v${index + 1}.json`, JSON.stringify({ payload }));
  });
  return files;
}
/** The problems of evolving the published v1 to `v2` with `upcaster`. */
function problemsOfV2(
  v2: SchemaObject,
  upcaster: Upcaster = passThrough,
  fixture: unknown = v1Payload,
): string[] {
  const catalogue = catalogueOf([v1, v2], [upcaster]);
  return compatibilityProblems(filesOf(catalogue, [fixture, {}]), catalogue);
}

describe('compatibilityProblems, evolving a published v1 to v2', () => {
  it('accepts a v2 that adds an optional field', () => {
    expect(
      problemsOfV2(v1With((s) => (s.properties['colour'] = field({ type: 'string' })))),
    ).toEqual([]);
  });

  it('accepts a newly required field that the upcaster fills with a default', () => {
    const v2 = v1With((s) => {
      s.properties['channel'] = field({ type: 'string', enum: ['web', 'unknown'] });
      s.required.push('channel');
    });
    const withDefault = defineUpcaster(1, (p: object) => ({ ...p, channel: 'unknown' }));
    expect(problemsOfV2(v2, withDefault)).toEqual([]);
  });

  it('accepts a widened enum', () => {
    const v2 = v1With(
      (s) => (s.properties['lines']!.items.properties['kind']!.enum = ['book', 'pen', 'mug']),
    );
    expect(problemsOfV2(v2)).toEqual([]);
  });

  it.each([
    ['a removed field', v1With((s) => delete s.properties['note']), '"note" was removed'],
    [
      'a removed field inside array items',
      v1With((s) => delete s.properties['lines']!.items.properties['kind']),
      '"lines[].kind" was removed',
    ],
    [
      'a changed type',
      v1With((s) => (s.properties['amount'] = field({ type: 'number', minimum: 0 }))),
      '"amount" changed type from integer to number',
    ],
    [
      'a changed type inside array items',
      v1With((s) => (s.properties['lines']!.items.properties['sku'] = field({ type: 'integer' }))),
      '"lines[].sku" changed type from string to integer',
    ],
    [
      'a field that became nullable',
      v1With((s) => (s.properties['note'] = field({ type: ['string', 'null'] }))),
      '"note" changed type from string to null|string',
    ],
    [
      'a narrowed enum',
      v1With((s) => (s.properties['lines']!.items.properties['kind']!.enum = ['book'])),
      '"lines[].kind" narrowed its enum: dropped ["pen"]',
    ],
    [
      'an enum put on a free field',
      v1With((s) => (s.properties['note']!.enum = ['a', 'b'])),
      '"note" narrowed its enum: dropped ["any other value"]',
    ],
    [
      'a changed bound',
      v1With((s) => (s.properties['orderId']!.minLength = 3)),
      '"orderId" changed minLength from 1 to 3',
    ],
    [
      'a field that is no longer required',
      v1With((s) => (s.required = ['orderId'])),
      '"amount" is no longer required',
    ],
    [
      'a payload closed to unknown fields',
      v1With((s) => (s.additionalProperties = false)),
      'the payload no longer accepts unknown fields',
    ],
  ])('refuses %s', (_, v2, problem) => {
    // A fixture without lines still upcasts to a valid v2: the schema comparison alone must
    // catch the change, as it must for any old record the fixture does not resemble.
    const bare = { orderId: 'o-1', amount: 5 };
    expect(problemsOfV2(v2, passThrough, bare)).toEqual([`ParcelSent v1 -> v2: ${problem}`]);
  });

  it('reports a break twice when the v1 fixture shows it too', () => {
    const v2 = v1With((s) => (s.properties['lines']!.items.properties['kind']!.enum = ['book']));
    expect(problemsOfV2(v2)).toEqual([
      'ParcelSent v1 -> v2: "lines[].kind" narrowed its enum: dropped ["pen"]',
      expect.stringContaining('the upcast v1 fixture is refused: value/lines/0/kind'),
    ]);
  });

  it('refuses a new required field without a default', () => {
    const v2 = v1With((s) => {
      s.properties['channel'] = field({ type: 'string' });
      s.required.push('channel');
    });
    expect(problemsOfV2(v2)).toEqual([
      expect.stringMatching(
        /^ParcelSent v1 -> v2: "channel" is newly required without a default \(.*channel/,
      ),
    ]);
  });

  it('refuses an optional field that became required, when old records may lack it', () => {
    expect(problemsOfV2(v1With((s) => s.required.push('note')))).toEqual([
      expect.stringContaining('"note" is newly required without a default'),
    ]);
  });

  it('refuses a new required field inside array items without a default', () => {
    const v2 = v1With((s) => s.properties['lines']!.items.required.push('kind'));
    const dropsKinds = defineUpcaster(1, (p: { lines: object[] }) => ({
      ...p,
      lines: p.lines.map(() => ({ sku: 'A' })),
    }));
    expect(problemsOfV2(v2, dropsKinds)).toEqual([
      expect.stringContaining('"lines[].kind" is newly required without a default'),
    ]);
  });

  it('refuses a new required field when there is no upcaster at all', () => {
    const v2 = v1With((s) => s.required.push('note'));
    const catalogue = catalogueOf([v1, v2], []);
    expect(compatibilityProblems(filesOf(catalogue, [v1Payload, {}]), catalogue)).toEqual([
      expect.stringContaining('no upcaster from v1 to v2'),
    ]);
  });
});

describe('compatibilityProblems, given what was published', () => {
  const v2 = v1With((s) => (s.properties['colour'] = field({ type: 'string' })));
  const published = catalogueOf([v1, v2], [passThrough]);
  const files = filesOf(published, [v1Payload, v1Payload]);

  it('accepts the catalogue it was published from', () => {
    expect(compatibilityProblems(files, published)).toEqual([]);
  });

  it('accepts a published file whatever its key order and layout', () => {
    const relaid = new Map(files);
    relaid.set('published/ParcelSent/v1.schema.json', JSON.stringify({ ...v1, type: 'object' }));
    expect(compatibilityProblems(relaid, published)).toEqual([]);
  });

  it('refuses an edited frozen version, even an edit that only loosens it', () => {
    const edited = catalogueOf(
      [v1With((s) => delete s.properties['orderId']!.minLength), v2],
      [passThrough],
    );
    expect(compatibilityProblems(files, edited)).toEqual([
      expect.stringMatching(/^ParcelSent v1 differs from its frozen published\/ParcelSent\/v1/),
      'ParcelSent v1 -> v2: "orderId" changed minLength from none to 1',
    ]);
  });

  it('refuses a deleted version', () => {
    expect(compatibilityProblems(files, catalogueOf([v1]))).toEqual([
      'ParcelSent v2 was published but the catalogue lost it',
    ]);
  });

  it('refuses a deleted event type', () => {
    expect(compatibilityProblems(files, {})).toEqual([
      'ParcelSent v1 was published but the catalogue lost it',
      'ParcelSent v2 was published but the catalogue lost it',
    ]);
  });

  it('refuses a version that is not published or has no golden fixture', () => {
    const v3 = structuredClone(v2) as Loose;
    v3.properties['size'] = field({ type: 'integer' });
    const grown = catalogueOf([v1, v2, v3], [passThrough, defineUpcaster(2, (p: object) => p)]);
    expect(compatibilityProblems(files, grown)).toEqual([
      'ParcelSent v3 is not published (npm run contracts:publish)',
      'ParcelSent v3 has no golden fixture fixtures/parcel-sent/v3.json',
    ]);
  });

  it('refuses a stray file under published/', () => {
    const stray = new Map(files).set('published/ParcelSent/latest.json', canonicalJson(v2));
    expect(compatibilityProblems(stray, published)).toEqual([
      'published/ParcelSent/latest.json is not named published/<EventType>/v<N>.schema.json',
    ]);
  });
});
