/**
 * One step of a payload's history: turns a version `from` payload into version `from + 1`.
 * It must be pure (same input, same output; never mutate the input) because a replay feeds
 * the same old record through it again and must end in the same state.
 */
export interface Upcaster {
  readonly from: number;
  readonly to: number;
  readonly up: (payload: unknown) => unknown;
}

/** Types one step against the frozen payload types of both versions. */
export function defineUpcaster<TFrom, TTo>(from: number, up: (payload: TFrom) => TTo): Upcaster {
  // The pipeline only hands a step a payload already validated against version `from`.
  return { from, to: from + 1, up: (payload) => up(payload as TFrom) };
}

/**
 * Applies the steps from `fromVersion` up to `toVersion` strictly in order, one version at a
 * time; a missing step is a catalogue bug, so it throws rather than skipping a version.
 */
export function upcast(
  payload: unknown,
  fromVersion: number,
  toVersion: number,
  upcasters: readonly Upcaster[],
): unknown {
  let current = payload;
  for (let version = fromVersion; version < toVersion; version += 1) {
    const step = upcasters.find((candidate) => candidate.from === version);
    if (step === undefined || step.to !== version + 1) {
      throw new Error(`no upcaster from v${version} to v${version + 1}`);
    }
    current = step.up(current);
  }
  return current;
}
