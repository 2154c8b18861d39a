import { isDeepStrictEqual } from 'node:util';
import type { EventDefinition } from './catalogue.js';
import { schemaProblems } from './schema-validator.js';
import { upcast } from './upcaster.js';

/**
 * The harness every upcaster passes through (from the unit tests): given one sample payload
 * per published version, it walks each sample up one step at a time and reports a chain with
 * gaps, a step that throws, mutates its input, is not deterministic, or yields a payload
 * that the next version's schema refuses. An empty list means the chain is sound.
 */
export function upcasterChainProblems(
  definition: EventDefinition,
  samplesByVersion: ReadonlyMap<number, unknown>,
): string[] {
  const { currentVersion, schemas, upcasters } = definition;
  const problems: string[] = [];
  if (schemas.length !== currentVersion) {
    problems.push(`${schemas.length} schemas for current version v${currentVersion}`);
  }
  upcasters.forEach((step, index) => {
    if (step.from !== index + 1 || step.to !== index + 2) {
      problems.push(
        `upcaster #${index} goes v${step.from}->v${step.to}, expected v${index + 1}->v${index + 2}`,
      );
    }
  });
  if (upcasters.length !== currentVersion - 1) {
    problems.push(`${upcasters.length} upcasters for current version v${currentVersion}`);
  }
  for (const [version, sample] of samplesByVersion) {
    problems.push(...walk(definition, version, sample));
  }
  return problems;
}

function walk(definition: EventDefinition, version: number, sample: unknown): string[] {
  const own = definition.schemas[version - 1];
  const invalid = own === undefined ? 'no schema' : schemaProblems(own, sample);
  if (invalid !== null) return [`sample v${version} is not a valid v${version}: ${invalid}`];
  let payload = sample;
  for (let from = version; from < definition.currentVersion; from += 1) {
    const input = deepFreeze(structuredClone(payload));
    let output: unknown;
    try {
      output = upcast(input, from, from + 1, definition.upcasters);
    } catch (error) {
      return [`v${from}->v${from + 1} threw on the v${version} sample: ${String(error)}`];
    }
    if (
      !isDeepStrictEqual(
        output,
        upcast(structuredClone(payload), from, from + 1, definition.upcasters),
      )
    ) {
      return [`v${from}->v${from + 1} is not deterministic`];
    }
    const next = definition.schemas[from];
    const refused = next === undefined ? 'no schema' : schemaProblems(next, output);
    if (refused !== null)
      return [`v${from}->v${from + 1} yields an invalid v${from + 1}: ${refused}`];
    payload = output;
  }
  return [];
}

// A step that writes to its input throws on a frozen object (modules run in strict mode).
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
