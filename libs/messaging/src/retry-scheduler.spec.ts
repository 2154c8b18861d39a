import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { RetryScheduler } from './retry-scheduler.js';

/** A partition's pause/seek/resume, recorded in the order they happen. */
const partition = () => {
  const calls: string[] = [];
  return {
    calls,
    controls: {
      pause: () => {
        calls.push('pause');
        return () => calls.push('resume');
      },
      seek: (offset: string) => calls.push(`seek ${offset}`),
    },
  };
};

describe('RetryScheduler (invariant 7: transient faults never skip, never dead-letter)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('pauses the partition, moves its next fetch back to the failed record and resumes after the backoff', async () => {
    const retries = new RetryScheduler(() => 400);
    const p = partition();

    expect(retries.retryLater('t', 0, '17', p.controls)).toBe(400);
    expect(p.calls).toEqual(['pause', 'seek 17']);

    await vi.advanceTimersByTimeAsync(399);
    expect(p.calls).toEqual(['pause', 'seek 17']);
    await vi.advanceTimersByTimeAsync(1);
    expect(p.calls).toEqual(['pause', 'seek 17', 'resume']);
  });

  it('backs off longer with every failure of a partition, up to the cap, and starts over after a success', () => {
    const retries = new RetryScheduler();
    const delays = Array.from({ length: 9 }, () =>
      retries.retryLater('t', 0, '5', partition().controls),
    );
    // Full jitter: each delay lies in [ceiling/2, ceiling], ceiling = min(10 s, 200 ms * 2^(n-1)).
    delays.forEach((delay, i) => {
      const ceiling = Math.min(10_000, 200 * 2 ** i);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    });
    expect(retries.attemptsOf('t', 0)).toBe(9);

    retries.succeeded('t', 0);
    expect(retries.attemptsOf('t', 0)).toBe(0);
    expect(retries.retryLater('t', 0, '6', partition().controls)).toBeLessThanOrEqual(200);
  });

  it('counts attempts per partition: one failing partition does not slow down another', () => {
    const retries = new RetryScheduler((attempt) => attempt * 100);
    retries.retryLater('t', 0, '1', partition().controls);
    retries.retryLater('t', 0, '1', partition().controls);
    expect(retries.retryLater('t', 1, '9', partition().controls)).toBe(100);
    expect(retries.retryLater('u', 0, '3', partition().controls)).toBe(100);
    expect(retries.attemptsOf('t', 0)).toBe(2);
  });

  it('drops pending resumes when the consumer stops', async () => {
    const retries = new RetryScheduler(() => 100);
    const p = partition();
    retries.retryLater('t', 0, '1', p.controls);
    retries.stop();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(p.calls).toEqual(['pause', 'seek 1']);
  });
});
