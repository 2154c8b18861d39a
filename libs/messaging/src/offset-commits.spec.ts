import type { TopicPartitionOffsetAndMetadata } from 'kafkajs';
import { describe, expect, it, vi } from 'vitest';

import { OffsetCommits, byTopic } from './offset-commits.js';

const recorder = () => {
  const commits: TopicPartitionOffsetAndMetadata[][] = [];
  const commit = vi.fn((offsets: TopicPartitionOffsetAndMetadata[]) => {
    commits.push(offsets);
    return Promise.resolve();
  });
  return { commits, commit };
};

/** OffsetCommits that give up after 10 s of failed commits, and what they told their owner. */
const givingUpAfter10s = (intervalMs: number) => {
  const stuck: unknown[] = [];
  const offsets = new OffsetCommits(intervalMs, () => undefined, 500, {
    afterMs: 10_000,
    onStuck: (e) => stuck.push(e),
  });
  return { offsets, stuck };
};

describe('OffsetCommits', () => {
  it('commits once per interval, with the highest offset of every partition', async () => {
    vi.useFakeTimers();
    const { commits, commit } = recorder();
    const offsets = new OffsetCommits(200, () => undefined);
    offsets.add('t', 0, '5');
    await offsets.flush(commit);
    offsets.add('t', 0, '9');
    offsets.add('t', 1, '3');
    await offsets.flush(commit);
    expect(commit).not.toHaveBeenCalled();

    await vi.advanceTimersByTimeAsync(200);
    expect(commits).toEqual([
      [
        { topic: 't', partition: 0, offset: '9' },
        { topic: 't', partition: 1, offset: '3' },
      ],
    ]);
    vi.useRealTimers();
  });

  it('never moves a partition back: a lower offset added later is ignored', async () => {
    const { commits, commit } = recorder();
    const offsets = new OffsetCommits(0, () => undefined);
    offsets.add('t', 0, '12');
    offsets.add('t', 0, '10');
    await offsets.flush(commit, true);
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: '12' }]]);
  });

  it('runs commits one at a time, in the order they were asked for', async () => {
    const order: string[] = [];
    let releaseFirst = (): void => undefined;
    const offsets = new OffsetCommits(0, () => undefined);
    offsets.add('t', 0, '1');
    const first = offsets.flush(
      (o) =>
        new Promise<void>((resolve) => {
          order.push(`start ${o[0]!.offset}`);
          releaseFirst = () => {
            order.push(`end ${o[0]!.offset}`);
            resolve();
          };
        }),
      true,
    );
    await new Promise((r) => setImmediate(r));
    offsets.add('t', 0, '2');
    const second = offsets.flush(async (o) => {
      order.push(`start ${o[0]!.offset}`);
      await Promise.resolve();
    }, true);
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['start 1']);
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['start 1', 'end 1', 'start 2']);
  });

  it('keeps offsets whose commit failed for the next flush, unless newer ones arrived', async () => {
    const offsets = new OffsetCommits(0, () => undefined);
    offsets.add('t', 0, '4');
    offsets.add('t', 1, '7');
    await expect(
      offsets.flush(() => {
        offsets.add('t', 1, '8');
        return Promise.reject(new Error('coordinator moved'));
      }, true),
    ).rejects.toThrow('coordinator moved');
    const { commits, commit } = recorder();
    await offsets.flush(commit, true);
    expect(commits).toEqual([
      [
        { topic: 't', partition: 1, offset: '8' },
        { topic: 't', partition: 0, offset: '4' },
      ],
    ]);
  });

  it('commits a failed commit again on its own when no later batch comes to carry it', async () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    const offsets = new OffsetCommits(200, (e) => errors.push(e), 500);
    const { commits, commit } = recorder();
    let brokerDown = true;
    const flaky = (o: TopicPartitionOffsetAndMetadata[]) =>
      brokerDown
        ? Promise.reject(new Error('Broker 2 not found in the cached metadata'))
        : commit(o);
    offsets.add('payment.events', 3, '266');
    await offsets.flush(flaky);
    await vi.advanceTimersByTimeAsync(200);
    expect(errors).toHaveLength(1);

    brokerDown = false;
    await vi.advanceTimersByTimeAsync(500);
    expect(commits).toEqual([[{ topic: 'payment.events', partition: 3, offset: '266' }]]);
    vi.useRealTimers();
  });

  it('gives up after failing without a break for stuckAfterMs: tells its owner once and drops the offsets', async () => {
    vi.useFakeTimers();
    const { offsets, stuck } = givingUpAfter10s(200);
    // kafkajs asks the broker it found at its last join, which is no longer the coordinator.
    const staleCoordinator = vi.fn(() =>
      Promise.reject(new Error('This is not the correct coordinator for this group')),
    );
    offsets.add('order.events', 2, '419');
    await offsets.flush(staleCoordinator);
    await vi.advanceTimersByTimeAsync(9_000);
    expect(stuck).toEqual([]);

    await vi.advanceTimersByTimeAsync(6_000);
    expect(stuck).toHaveLength(1);
    const tries = staleCoordinator.mock.calls.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(staleCoordinator).toHaveBeenCalledTimes(tries);

    // The new member's commits go through and start a new streak.
    const { commits, commit } = recorder();
    offsets.add('order.events', 2, '420');
    await offsets.flush(commit, true);
    expect(commits).toEqual([[{ topic: 'order.events', partition: 2, offset: '420' }]]);
    vi.useRealTimers();
  });

  it('counts a streak only while commits fail without a success in between', async () => {
    vi.useFakeTimers();
    const { offsets, stuck } = givingUpAfter10s(0);
    const failing = () => Promise.reject(new Error('coordinator moved'));
    const { commit } = recorder();
    for (let i = 0; i < 4; i += 1) {
      offsets.add('t', 0, String(i * 2 + 1));
      await offsets.flush(failing, true).catch(() => undefined);
      offsets.cancel(); // no timer retries: only these flushes
      await vi.advanceTimersByTimeAsync(6_000);
      offsets.add('t', 0, String(i * 2 + 2));
      await offsets.flush(commit, true);
    }
    expect(stuck).toEqual([]);
    vi.useRealTimers();
  });

  it('stops trying again once cancelled (the consumer is stopping)', async () => {
    vi.useFakeTimers();
    const offsets = new OffsetCommits(0, () => undefined, 500);
    const failing = vi.fn(() => Promise.reject(new Error('coordinator moved')));
    offsets.add('t', 0, '1');
    await expect(offsets.flush(failing, true)).rejects.toThrow('coordinator moved');
    offsets.cancel();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(failing).toHaveBeenCalledTimes(1);
    vi.useRealTimers();
  });

  it('drops the offsets of partitions a rebalance took away', async () => {
    const { commits, commit } = recorder();
    const offsets = new OffsetCommits(0, () => undefined);
    offsets.add('a', 0, '1');
    offsets.add('a', 1, '1');
    offsets.add('b', 0, '1');
    offsets.retainOnly({ a: [1] });
    await offsets.flush(commit, true);
    expect(commits).toEqual([[{ topic: 'a', partition: 1, offset: '1' }]]);
  });

  it('groups offsets by topic for kafkajs', () => {
    expect(
      byTopic([
        { topic: 'a', partition: 0, offset: '1' },
        { topic: 'b', partition: 2, offset: '5' },
        { topic: 'a', partition: 3, offset: '2' },
      ]),
    ).toEqual({
      topics: [
        {
          topic: 'a',
          partitions: [
            { partition: 0, offset: '1' },
            { partition: 3, offset: '2' },
          ],
        },
        { topic: 'b', partitions: [{ partition: 2, offset: '5' }] },
      ],
    });
  });
});
