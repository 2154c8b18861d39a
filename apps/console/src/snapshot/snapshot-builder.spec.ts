import { describe, expect, it } from 'vitest';

import type { InstanceScrape } from '../scrape/instance-scrape.js';
import type { HistogramSeries, Sample } from '../scrape/prometheus-text.js';
import { SnapshotBuilder } from './snapshot-builder.js';

const ORDER = 'http://127.0.0.1:3001';
const ORDER_2 = 'http://127.0.0.1:3011';
const PAYMENT = 'http://127.0.0.1:3002';
const READ = 'http://127.0.0.1:3003';

const sample = (name: string, value: number, labels: Record<string, string> = {}): Sample => ({
  name,
  labels,
  value,
});

/** A commit -> effect histogram series with `fast` events under 0.1 s and `slow` under 5 s. */
const effects = (consumer: string, eventType: string, fast: number, slow = 0): HistogramSeries => ({
  name: 'consumer_commit_to_effect_seconds',
  labels: { consumer, event_type: eventType },
  count: fast + slow,
  sum: fast * 0.05 + slow * 1,
  buckets: [
    { le: 0.1, count: fast },
    { le: 5, count: fast + slow },
    { le: Infinity, count: fast + slow },
  ],
});

const scrape = (
  service: InstanceScrape['service'],
  url: string,
  samples: Sample[] = [],
  histograms: HistogramSeries[] = [],
): InstanceScrape => ({ service, url, metrics: { samples, histograms } });

const relay = (leader: 0 | 1): Sample[] => [
  sample('outbox_relay_leader', leader),
  sample('outbox_backlog_rows', 0),
];

describe('SnapshotBuilder', () => {
  describe('saga flow', () => {
    it('counts the order events the read model applied, and their rate over the last seconds', () => {
      const builder = new SnapshotBuilder(2);
      const at = (placed: number, approved: number): InstanceScrape[] => [
        scrape(
          'read-model',
          READ,
          [],
          [
            effects('read-model', 'OrderCreated', placed),
            effects('read-model', 'OrderApproved', approved),
            // A rebuild's scratch group re-applies old events: not the live flow.
            effects('read-model-rebuild-1', 'OrderCreated', 500),
          ],
        ),
      ];
      const first = builder.build(at(10, 8), 0);
      expect(first.flow.find((f) => f.step === 'placed')).toMatchObject({
        total: 10,
        perSecond: null,
      });

      const later = builder.build(at(30, 18), 4_000);
      expect(later.flow.map((f) => [f.step, f.total, f.perSecond])).toEqual([
        ['placed', 30, 5],
        ['approved', 18, 2.5],
        ['rejected', 0, 0],
        ['cancelled', 0, 0],
      ]);
    });
  });

  describe('consumer lag', () => {
    const lagOf = (lag: number): InstanceScrape[] => [
      scrape('payment-service', PAYMENT, [
        sample('kafka_consumer_lag', lag, {
          group: 'payment-service',
          topic: 'order.events',
          partition: '3',
        }),
      ]),
    ];

    it('is ok at 0, a warning above 0, and trouble once it stayed above 0 for 10 s', () => {
      const builder = new SnapshotBuilder(2);
      expect(builder.build(lagOf(0), 0).lag[0]).toMatchObject({
        partition: 3,
        lag: 0,
        health: 'ok',
      });
      expect(builder.build(lagOf(4), 1_000).lag[0]!.health).toBe('warn');
      for (let t = 2_000; t < 11_000; t += 1_000) builder.build(lagOf(4), t);
      expect(builder.build(lagOf(4), 11_000).lag[0]!.health).toBe('trouble');
    });

    it('is only a warning while a busy partition keeps touching 0', () => {
      const builder = new SnapshotBuilder(2);
      for (let t = 0; t <= 12_000; t += 1_000) builder.build(lagOf(t === 6_000 ? 0 : 9), t);
      expect(builder.build(lagOf(9), 13_000).lag[0]!.health).toBe('warn');
    });
  });

  describe('relay leader', () => {
    it('names the instance holding the lock, only for services with an outbox', () => {
      const snapshot = new SnapshotBuilder(2).build(
        [
          scrape('order-service', ORDER, relay(0)),
          scrape('order-service', ORDER_2, relay(1)),
          scrape('read-model', READ, [sample('outbox_relay_leader', 0)]),
        ],
        0,
      );
      expect(snapshot.relay).toEqual([
        {
          service: 'order-service',
          leader: ORDER_2,
          instances: [
            { url: ORDER, leader: false },
            { url: ORDER_2, leader: true },
          ],
          health: 'ok',
        },
      ]);
    });

    it('warns while no instance leads and is trouble after 5 s without a leader', () => {
      const builder = new SnapshotBuilder(2);
      const none = [scrape('order-service', ORDER, relay(0))];
      expect(builder.build(none, 0).relay[0]).toMatchObject({ leader: null, health: 'warn' });
      expect(builder.build(none, 5_000).relay[0]!.health).toBe('trouble');
      expect(
        builder.build([scrape('order-service', ORDER, relay(1))], 6_000).relay[0]!.health,
      ).toBe('ok');
    });
  });

  describe('outbox', () => {
    it('shows backlog and oldest age per service, trouble above 5 s', () => {
      const outbox = (rows: number, age: number): Sample[] => [
        sample('outbox_backlog_rows', rows),
        sample('outbox_oldest_unpublished_age_seconds', age),
      ];
      const snapshot = new SnapshotBuilder(2).build(
        [
          scrape('order-service', ORDER, outbox(120, 7.5)),
          scrape('payment-service', PAYMENT, outbox(0, 0)),
        ],
        0,
      );
      expect(snapshot.outbox).toEqual([
        { service: 'order-service', backlog: 120, oldestAgeSeconds: 7.5, health: 'trouble' },
        { service: 'payment-service', backlog: 0, oldestAgeSeconds: 0, health: 'ok' },
      ]);
    });
  });

  describe('commit -> effect p99', () => {
    it('judges the last minute against the SLO and sums instances and event types', () => {
      const builder = new SnapshotBuilder(2);
      const at = (slow: number): InstanceScrape[] => [
        scrape('order-service', ORDER, [], [effects('order-service', 'PaymentAuthorized', 100)]),
        scrape(
          'order-service',
          ORDER_2,
          [],
          [effects('order-service', 'PaymentRejected', 100, slow)],
        ),
      ];
      builder.build(at(0), 0);
      const fine = builder
        .build(at(0), 30_000)
        .latency.find((l) => l.consumer === 'order-service')!;
      expect(fine).toMatchObject({ events: 200, health: 'ok' });
      expect(fine.p99Overall).toBeLessThanOrEqual(0.1);

      // 10 of the next 10 events took seconds: the last minute misses the SLO.
      const slow = builder
        .build(at(10), 40_000)
        .latency.find((l) => l.consumer === 'order-service')!;
      expect(slow.health).toBe('trouble');
      expect(slow.p99Recent).toBeGreaterThan(2);
    });
  });

  describe('dead letters and instances', () => {
    it('sums dead letters per group and reason, and reports an instance that did not answer', () => {
      const dead = (n: number): Sample =>
        sample('consumer_dead_letters_total', n, {
          consumer: 'read-model',
          reason: 'handler-error',
        });
      const snapshot = new SnapshotBuilder(2).build(
        [
          scrape('read-model', READ, [dead(2)]),
          scrape('read-model', 'http://127.0.0.1:3013', [dead(1)]),
          { service: 'payment-service', url: PAYMENT, metrics: null, error: 'ECONNREFUSED' },
        ],
        0,
      );
      expect(snapshot.deadLetters).toEqual([
        { group: 'read-model', reason: 'handler-error', count: 3 },
      ]);
      expect(snapshot.instances.find((i) => i.service === 'payment-service')).toEqual({
        service: 'payment-service',
        url: PAYMENT,
        up: false,
        error: 'ECONNREFUSED',
      });
    });
  });
});
