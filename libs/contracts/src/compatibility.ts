import { CATALOGUE, type Catalogue, type EventDefinition } from './catalogue.js';
import { canonicalJson } from './canonical-json.js';
import {
  fixturePathOf,
  parsePublishedSchemaPath,
  publishedSchemaPathOf,
} from './contract-paths.js';
import { schemaEvolution } from './schema-evolution.js';
import { schemaProblems } from './schema-validator.js';
import { upcast } from './upcaster.js';

// Invariant 8, "contracts only grow", as pure functions over the catalogue and the checked-in
// files, so that one unit test is the CI gate and the publish command applies the same rules.

/**
 * The text of the files under libs/contracts that form the published language, keyed by
 * '/'-separated path relative to it: 'published/OrderCreated/v1.schema.json',
 * 'fixtures/order-created/v1.json'.
 */
export type ContractFiles = ReadonlyMap<string, string>;

/** The file every catalogued version is published as: its payload schema, canonical JSON. */
export function publishableSchemas(catalogue: Catalogue = CATALOGUE): Map<string, string> {
  const files = new Map<string, string>();
  for (const [eventType, definition] of Object.entries(catalogue)) {
    definition.schemas.forEach((schema, index) => {
      files.set(publishedSchemaPathOf(eventType, index + 1), canonicalJson(schema));
    });
  }
  return files;
}

/** Every way the catalogue breaks what was published; empty when it only grew. */
export function compatibilityProblems(
  files: ContractFiles,
  catalogue: Catalogue = CATALOGUE,
): string[] {
  return [
    ...frozenVersionProblems(files, catalogue),
    ...coverageProblems(files, catalogue),
    ...Object.entries(catalogue).flatMap(([type, def]) => evolutionProblems(type, def, files)),
  ];
}

/** A published version is never edited and never leaves the catalogue. */
function frozenVersionProblems(files: ContractFiles, catalogue: Catalogue): string[] {
  const problems: string[] = [];
  for (const [path, text] of files) {
    if (!path.startsWith('published/')) continue;
    const claimed = parsePublishedSchemaPath(path);
    if (claimed === null) {
      problems.push(`${path} is not named published/<EventType>/v<N>.schema.json`);
      continue;
    }
    const { eventType, version } = claimed;
    const current = Object.hasOwn(catalogue, eventType)
      ? catalogue[eventType]?.schemas[version - 1]
      : undefined;
    if (current === undefined) {
      problems.push(`${eventType} v${version} was published but the catalogue lost it`);
    } else if (canonicalOf(text) !== canonicalJson(current)) {
      problems.push(`${eventType} v${version} differs from its frozen ${path}; add a version`);
    }
  }
  return problems;
}

/** Every catalogued version is published and has a golden fixture. */
function coverageProblems(files: ContractFiles, catalogue: Catalogue): string[] {
  return Object.entries(catalogue).flatMap(([eventType, definition]) =>
    definition.schemas.flatMap((_, index) => {
      const version = index + 1;
      const missing: string[] = [];
      if (!files.has(publishedSchemaPathOf(eventType, version))) {
        missing.push(`${eventType} v${version} is not published (npm run contracts:publish)`);
      }
      if (!files.has(fixturePathOf(eventType, version))) {
        missing.push(
          `${eventType} v${version} has no golden fixture ${fixturePathOf(eventType, version)}`,
        );
      }
      return missing;
    }),
  );
}

/**
 * Each version N+1 keeps every field of N with its type and bounds; a field it newly requires
 * needs a default, proven by upcasting N's golden fixture and validating the result as N+1.
 */
function evolutionProblems(
  eventType: string,
  def: EventDefinition,
  files: ContractFiles,
): string[] {
  const problems: string[] = [];
  for (let from = 1; from < def.schemas.length; from += 1) {
    const [older, newer] = [def.schemas[from - 1], def.schemas[from]];
    if (older === undefined || newer === undefined) continue;
    const step = `${eventType} v${from} -> v${from + 1}`;
    const { breaking, newlyRequired } = schemaEvolution(older, newer);
    problems.push(...breaking.map((change) => `${step}: ${change}`));
    const refused = upcastRefusal(def, from, files.get(fixturePathOf(eventType, from)));
    if (refused === null) continue;
    if (newlyRequired.length === 0) problems.push(`${step}: ${refused}`);
    for (const field of newlyRequired) {
      problems.push(`${step}: "${field}" is newly required without a default (${refused})`);
    }
  }
  return problems;
}

/** Why the v`from` golden fixture, upcast one step, is not a valid next version; else null. */
function upcastRefusal(
  def: EventDefinition,
  from: number,
  fixture: string | undefined,
): string | null {
  if (fixture === undefined) return `no v${from} golden fixture to upcast`;
  const next = def.schemas[from];
  try {
    const payload = (JSON.parse(fixture) as { payload?: unknown }).payload;
    const lifted = upcast(payload, from, from + 1, def.upcasters);
    const invalid = next === undefined ? 'no schema' : schemaProblems(next, lifted);
    return invalid === null ? null : `the upcast v${from} fixture is refused: ${invalid}`;
  } catch (error) {
    return `upcasting the v${from} fixture failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function canonicalOf(text: string): string | null {
  try {
    return canonicalJson(JSON.parse(text));
  } catch {
    return null;
  }
}
