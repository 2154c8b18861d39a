import { describe, expect, it } from 'vitest';

import { faultSchedule, type ScheduleOptions } from './schedule.js';

const options = (seed: number): ScheduleOptions => ({
  seed,
  durationMs: 30 * 60_000,
  everyMs: 8_000,
  instances: ['order-service', 'order-service-2', 'payment-service', 'payment-service-2'],
  relays: ['order-service', 'payment-service'],
  brokers: 3,
});

describe('the nemesis fault schedule', () => {
  it('is a pure function of the seed: the same seed replays the same faults', () => {
    expect(faultSchedule(options(42))).toEqual(faultSchedule(options(42)));
  });

  it('differs between seeds', () => {
    expect(faultSchedule(options(42))).not.toEqual(faultSchedule(options(43)));
  });

  it('draws every fault kind over a long run, within the run, in time order', () => {
    const faults = faultSchedule(options(7));
    expect(new Set(faults.map((f) => f.kind))).toEqual(
      new Set([
        'kill-service',
        'kill-relay-leader',
        'kill-broker',
        'pause-service',
        'pause-broker',
        'postgres-restart',
        'latency',
        'blackhole',
      ]),
    );
    const times = faults.map((f) => f.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.every((t) => t > 0 && t < 30 * 60_000)).toBe(true);
    // A gap is between half and one and a half times the mean.
    for (let i = 1; i < times.length; i += 1)
      expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(4_000);
  });

  it('only targets what exists', () => {
    for (const f of faultSchedule(options(3))) {
      if (f.kind.includes('broker') || f.kind === 'latency' || f.kind === 'blackhole')
        expect(f.target).toMatch(/^broker-[123]$/);
      else if (f.kind === 'postgres-restart') expect(f.target).toBe('postgres');
      else if (f.kind === 'kill-relay-leader')
        expect(['order-service', 'payment-service']).toContain(f.target);
      else expect(options(3).instances).toContain(f.target);
    }
  });
});
