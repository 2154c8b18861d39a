import type { KafkaMessage } from 'kafkajs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';

import { BatchProcessor, type FetchedBatch } from './batch-processor.js';
import type { ChunkResult } from './chunk-applier.js';
import { RetryScheduler } from './retry-scheduler.js';

const log = pino({ level: 'silent' });
const message = (offset: number): KafkaMessage => ({
  key: null,
  value: Buffer.from(String(offset)),
  offset: String(offset),
  timestamp: '0',
  attributes: 0,
  headers: {},
});

type Verdict = 'ok' | 'permanent' | 'transient';

/**
 * A processor whose applier fails a chunk when it holds a record marked in `verdicts`, and
 * a batch that records what the processor did to it.
 */
function harness(verdicts: Record<number, Verdict>, opts: { maxPerTransaction?: number } = {}) {
  const chunks: string[][] = [];
  const deadLettered: string[] = [];
  const retried: string[] = [];
  const applier = {
    apply: (_t: string, _p: number, messages: KafkaMessage[]): Promise<ChunkResult> => {
      chunks.push(messages.map((m) => m.offset));
      const bad = messages.map((m) => verdicts[Number(m.offset)]).find((v) => v && v !== 'ok');
      if (!bad) return Promise.resolve({ ok: true, outcomes: messages.map(() => 'applied') });
      const permanent = bad === 'permanent';
      return Promise.resolve({ ok: false, permanent, reason: bad, detail: bad });
    },
  };
  const deadLetters = {
    route: ({ message: m }: { message: KafkaMessage }) => {
      deadLettered.push(m.offset);
      return Promise.resolve('dead-lettered' as const);
    },
  };
  const retries = new RetryScheduler(() => 60_000);
  const processor = new BatchProcessor({
    applier,
    deadLetters,
    retries,
    groupId: 'g',
    log,
    maxPerTransaction: opts.maxPerTransaction ?? 4,
  });
  const resolved: string[] = [];
  let paused = 0;
  const batch = (offsets: number[]): FetchedBatch => ({
    topic: 't',
    partition: 0,
    messages: offsets.map(message),
    isRunning: () => true,
    isStale: () => false,
    resolveOffset: (offset) => resolved.push(offset),
    heartbeat: () => Promise.resolve(),
    pause: () => {
      paused += 1;
      return () => undefined;
    },
    seek: (offset) => retried.push(offset),
  });
  return {
    processor,
    retries,
    batch,
    chunks,
    deadLettered,
    retried,
    resolved,
    paused: () => paused,
  };
}

describe('BatchProcessor', () => {
  it('applies a fetched batch in chunks of at most maxPerTransaction records', async () => {
    const h = harness({});
    const last = await h.processor.process(h.batch([0, 1, 2, 3, 4, 5]));
    expect(h.chunks).toEqual([
      ['0', '1', '2', '3'],
      ['4', '5'],
    ]);
    expect(last).toBe('5');
    expect(h.resolved).toEqual(['3', '5']);
  });

  it('runs the records of a failed shared transaction one per transaction; a permanent failure is dead-lettered and passed', async () => {
    const h = harness({ 2: 'permanent' });
    const last = await h.processor.process(h.batch([0, 1, 2, 3, 4, 5]));
    expect(h.chunks).toEqual([['0', '1', '2', '3'], ['0'], ['1'], ['2'], ['3'], ['4', '5']]);
    expect(h.deadLettered).toEqual(['2']);
    expect(last).toBe('5');
  });

  it('stops at a transient failure: nothing behind it is applied, its partition waits for a retry of that record', async () => {
    const h = harness({ 1: 'transient' }, { maxPerTransaction: 1 });
    const last = await h.processor.process(h.batch([0, 1, 2]));
    expect(h.chunks).toEqual([['0'], ['1']]);
    expect(h.deadLettered).toEqual([]);
    expect(h.retried).toEqual(['1']);
    expect(h.paused()).toBe(1);
    expect(last).toBe('0');
    h.retries.stop();
  });
});
