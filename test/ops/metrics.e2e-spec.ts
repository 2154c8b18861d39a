import { SERVICE_NAMES, TOPOLOGY, type ServiceName } from '@app/contracts';
import { eventually } from '@app/devstack';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { e2eStack } from '../support/e2e-stack.js';
import { systemApi } from '../support/api.js';
import { http } from '../support/http.js';
import { kafkaOf } from '../support/kafka.js';
import { newCustomerId, placeOrder } from '../support/orders.js';
import { settle } from '../support/snapshot.js';
import { scrapeSamples, select, total, type Sample } from '../support/metrics.js';

const SERVICES = SERVICE_NAMES;

/** The paths each service's OpenAPI document must list, with their methods. */
const PATHS: Record<ServiceName, Record<string, string[]>> = {
  'order-service': {
    '/orders': ['post'],
    '/orders/{id}': ['get'],
    '/orders/{id}/cancel': ['post'],
  },
  'payment-service': {
    '/payments/{orderId}': ['get'],
    '/accounts/{customerId}': ['get'],
  },
  'read-model': {
    '/orders': ['get'],
    '/orders/{id}': ['get'],
    '/customers/{id}/summary': ['get'],
    '/admin/checksum': ['get'],
    '/admin/replay': ['get', 'post'],
    '/admin/dead-letters': ['get'],
    '/admin/dead-letters/redrive': ['post'],
  },
};

/** What one approved order makes each service do (SYSTEM.md "The saga"). */
const PER_APPROVED_ORDER = {
  published: { 'order-service': 2, 'payment-service': 1 }, // OrderCreated + OrderApproved; PaymentAuthorized
  applied: { 'order-service': 1, 'payment-service': 1, 'read-model': 3 },
} as const;

/**
 * Consistency is measured (invariant 9) and operations can see trouble (SYSTEM.md "Operating
 * it", README "Consistency, and what the metrics say"): after real orders, every service's
 * /metrics has real values for the outbox, consumer lag, commit-to-effect latency and
 * consumer outcomes; readiness reports database and broker; OpenAPI lists the paths.
 */
describe('Operations: metrics, readiness and OpenAPI of every service', () => {
  const stack = e2eStack();
  const api = systemApi(stack);
  const ORDERS = 3;
  let kafkaAdmin: Admin;
  const before = new Map<ServiceName, Sample[]>();
  const after = new Map<ServiceName, Sample[]>();
  const contentTypes = new Map<ServiceName, string>();

  beforeAll(async () => {
    kafkaAdmin = kafkaOf(stack, 'e2e-ops-metrics').admin();
    await kafkaAdmin.connect();
    for (const service of SERVICES)
      before.set(service, (await scrapeSamples(stack.url(service))).samples);
    const customerId = newCustomerId();
    const orderIds: string[] = [];
    for (let i = 0; i < ORDERS; i += 1)
      orderIds.push((await placeOrder(api, customerId, 2_000 + i)).orderId);
    const snapshot = await settle(stack, api, orderIds, [customerId]);
    expect(Object.values(snapshot.outcomes).map((o) => o.order.status)).toEqual(
      Array(ORDERS).fill('APPROVED'),
    );
    for (const service of SERVICES) {
      const scraped = await scrapeSamples(stack.url(service));
      after.set(service, scraped.samples);
      contentTypes.set(service, scraped.contentType);
    }
  });

  afterAll(async () => {
    await kafkaAdmin?.disconnect();
  });

  const delta = (service: ServiceName, name: string, labels: Record<string, string> = {}): number =>
    total(after.get(service)!, name, labels) - total(before.get(service)!, name, labels);

  it.each(SERVICES)('%s: GET /metrics is Prometheus text', (service) => {
    expect(contentTypes.get(service)).toMatch(/^text\/plain/);
    expect(after.get(service)!.length).toBeGreaterThan(20);
  });

  it.each(['order-service', 'payment-service'] as const)(
    '%s: the relay published, leads, and leaves no backlog',
    (service) => {
      const samples = after.get(service)!;
      expect(total(samples, 'outbox_relay_published_total')).toBeGreaterThan(0);
      expect(delta(service, 'outbox_relay_published_total')).toBeGreaterThanOrEqual(
        ORDERS * PER_APPROVED_ORDER.published[service],
      );
      expect(select(samples, 'outbox_backlog_rows').map((s) => s.value)).toEqual([0]);
      expect(select(samples, 'outbox_oldest_unpublished_age_seconds').map((s) => s.value)).toEqual([
        0,
      ]);
      expect(select(samples, 'outbox_relay_leader').map((s) => s.value)).toEqual([1]);
    },
  );

  it.each(SERVICES)(
    "%s: consumer lag per partition of its group's topics, all 0 once quiet",
    async (service) => {
      const expected: string[] = [];
      for (const topic of TOPOLOGY[service].consumes)
        for (const p of await kafkaAdmin.fetchTopicOffsets(topic))
          expected.push(`${topic}/${p.partition}`);
      // Sampled from the broker at scrape time (a scrape that cannot reach it keeps the last).
      await eventually(
        async () => {
          const lag = select(
            (await scrapeSamples(stack.url(service))).samples,
            'kafka_consumer_lag',
            {
              group: service,
            },
          );
          expect(lag.map((s) => `${s.labels.topic}/${s.labels.partition}`).sort()).toEqual(
            expected.sort(),
          );
          expect(lag.filter((s) => s.value !== 0)).toEqual([]);
          return true;
        },
        { timeoutMs: 15_000, intervalMs: 500, what: `kafka_consumer_lag of ${service}` },
      );
    },
  );

  it.each(SERVICES)(
    '%s: commit-to-effect histogram and applied events rose by what the orders caused',
    (service) => {
      const samples = after.get(service)!;
      const consumer = { consumer: service };
      const count = total(samples, 'consumer_commit_to_effect_seconds_count', consumer);
      expect(count).toBeGreaterThan(0);
      expect(total(samples, 'consumer_commit_to_effect_seconds_sum', consumer)).toBeGreaterThan(0);
      // Buckets are cumulative and +Inf holds every observation.
      const infinite = total(samples, 'consumer_commit_to_effect_seconds_bucket', {
        ...consumer,
        le: '+Inf',
      });
      expect(infinite).toBe(count);
      for (const series of select(samples, 'consumer_commit_to_effect_seconds_count', consumer)) {
        const buckets = select(samples, 'consumer_commit_to_effect_seconds_bucket', {
          consumer: service,
          event_type: series.labels.event_type!,
        }).map((b) => b.value);
        expect(buckets.length).toBeGreaterThan(5);
        expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
      }
      const applied = PER_APPROVED_ORDER.applied[service] * ORDERS;
      expect(
        delta(service, 'consumer_commit_to_effect_seconds_count', consumer),
      ).toBeGreaterThanOrEqual(applied);
      expect(
        total(samples, 'consumer_events_total', { ...consumer, outcome: 'applied' }),
      ).toBeGreaterThan(0);
      expect(
        delta(service, 'consumer_events_total', { ...consumer, outcome: 'applied' }),
      ).toBeGreaterThanOrEqual(applied);
    },
  );

  it.each(SERVICES)('%s: GET /health/ready is 200 with database and kafka up', async (service) => {
    const ready = await http<{ status: string; info: Record<string, { status: string }> }>(
      'GET',
      `${stack.url(service)}/health/ready`,
    );
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, kafka: { status: 'up' } },
    });
  });

  it.each(SERVICES)(
    '%s: GET /docs-json is an OpenAPI document listing its paths',
    async (service) => {
      const docs = await http<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
        'GET',
        `${stack.url(service)}/docs-json`,
      );
      expect(docs.status).toBe(200);
      expect(docs.isJson).toBe(true);
      expect(docs.body.openapi).toMatch(/^3\./);
      for (const [path, methods] of Object.entries(PATHS[service])) {
        expect(Object.keys(docs.body.paths), `paths of ${service}`).toContain(path);
        expect(Object.keys(docs.body.paths[path]!), `methods of ${path}`).toEqual(
          expect.arrayContaining(methods),
        );
      }
      expect(Object.keys(docs.body.paths)).toEqual(
        expect.arrayContaining(['/health/live', '/health/ready']),
      );
    },
  );
});
