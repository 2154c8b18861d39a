import { describe, expect, it } from 'vitest';

import { safeInboxHorizonMs } from './retention.js';

const HOUR = 3_600_000;

describe('inbox retention horizon (invariant 3 across replays)', () => {
  it('keeps the requested horizon when it already outlives the topics', () => {
    expect(safeInboxHorizonMs(240 * HOUR, [168 * HOUR, 24 * HOUR])).toBe(240 * HOUR);
  });

  it('is raised past the longest topic retention so a replay from the earliest offset still dedupes', () => {
    expect(safeInboxHorizonMs(24 * HOUR, [168 * HOUR])).toBe(169 * HOUR);
  });

  it('never expires inbox rows when a topic keeps records forever (retention.ms = -1)', () => {
    expect(safeInboxHorizonMs(24 * HOUR, [-1, 168 * HOUR])).toBe(Number.POSITIVE_INFINITY);
  });
});
