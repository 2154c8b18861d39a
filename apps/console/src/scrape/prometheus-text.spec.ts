import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';

import { parseMetrics } from './prometheus-text.js';

/** The text prom-client itself writes, as the services' GET /metrics serves it. */
async function exposition(): Promise<string> {
  const registry = new Registry();
  const histogram = new Histogram({
    name: 'consumer_commit_to_effect_seconds',
    help: 'x',
    labelNames: ['consumer', 'event_type'],
    buckets: [0.5, 1],
    registers: [registry],
  });
  histogram.labels('read-model', 'OrderCreated').observe(0.3);
  histogram.labels('read-model', 'OrderApproved').observe(2);
  const counter = new Counter({
    name: 'consumer_dead_letters_total',
    help: 'y',
    labelNames: ['consumer', 'reason'],
    registers: [registry],
  });
  counter.labels('read-model', 'handler-error').inc(2);
  new Gauge({ name: 'nodejs_odd_gauge', help: 'z', registers: [registry] }).set(NaN);
  return registry.metrics();
}

describe('parseMetrics', () => {
  it('keeps each labelled histogram series apart, with its buckets ascending, its count and its sum', async () => {
    const parsed = await parseMetrics(await exposition(), ['consumer_commit_to_effect_seconds']);
    expect(parsed.histograms).toEqual([
      {
        name: 'consumer_commit_to_effect_seconds',
        labels: { consumer: 'read-model', event_type: 'OrderCreated' },
        count: 1,
        sum: 0.3,
        buckets: [
          { le: 0.5, count: 1 },
          { le: 1, count: 1 },
          { le: Infinity, count: 1 },
        ],
      },
      {
        name: 'consumer_commit_to_effect_seconds',
        labels: { consumer: 'read-model', event_type: 'OrderApproved' },
        count: 1,
        sum: 2,
        buckets: [
          { le: 0.5, count: 0 },
          { le: 1, count: 0 },
          { le: Infinity, count: 1 },
        ],
      },
    ]);
    expect(parsed.samples).toEqual([]);
  });

  it('reads counters with their labels and ignores families it was not asked for (a NaN gauge included)', async () => {
    const parsed = await parseMetrics(await exposition(), ['consumer_dead_letters_total']);
    expect(parsed).toEqual({
      samples: [
        {
          name: 'consumer_dead_letters_total',
          labels: { consumer: 'read-model', reason: 'handler-error' },
          value: 2,
        },
      ],
      histograms: [],
    });
  });
});
