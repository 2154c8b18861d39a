import { Counter, Gauge, Histogram, register } from 'prom-client';

/**
 * The messaging metrics, registered once per process in prom-client's default registry
 * (which every service exposes at GET /metrics).
 */
function once<T>(name: string, make: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? make();
}

export const messagingMetrics = {
  relayPublished: once(
    'outbox_relay_published_total',
    () =>
      new Counter({ name: 'outbox_relay_published_total', help: 'Outbox rows published to Kafka' }),
  ),
  relayFailures: once(
    'outbox_relay_failures_total',
    () =>
      new Counter({
        name: 'outbox_relay_failures_total',
        help: 'Relay batches that failed and will be retried',
      }),
  ),
  relayLeader: once(
    'outbox_relay_leader',
    () =>
      new Gauge({ name: 'outbox_relay_leader', help: '1 when this instance holds the relay lock' }),
  ),
  consumed: once(
    'consumer_events_total',
    () =>
      new Counter({
        name: 'consumer_events_total',
        help: 'Records handled by a consumer, by outcome (applied, duplicate, skipped, dead-lettered)',
        labelNames: ['consumer', 'topic', 'outcome'],
      }),
  ),
  handlerFailures: once(
    'consumer_handler_failures_total',
    () =>
      new Counter({
        name: 'consumer_handler_failures_total',
        help: 'Handler failures by class (transient: retried; permanent: dead-lettered)',
        labelNames: ['consumer', 'class'],
      }),
  ),
  deadLetters: once(
    'consumer_dead_letters_total',
    () =>
      new Counter({
        name: 'consumer_dead_letters_total',
        help: 'Records sent to the dead-letter topic, by reason',
        labelNames: ['consumer', 'reason'],
      }),
  ),
  redriven: once(
    'consumer_dead_letters_redriven_total',
    () =>
      new Counter({
        name: 'consumer_dead_letters_redriven_total',
        help: 'Dead letters applied again, by outcome (applied, duplicate, skipped, failed)',
        labelNames: ['consumer', 'outcome'],
      }),
  ),
  rejoins: once(
    'consumer_rejoins_total',
    () =>
      new Counter({
        name: 'consumer_rejoins_total',
        help: 'Times a member replaced its kafkajs consumer: after a crash, or offset commits failing for too long',
        labelNames: ['consumer'],
      }),
  ),
  recordsPerTransaction: once(
    'consumer_records_per_transaction',
    () =>
      new Histogram({
        name: 'consumer_records_per_transaction',
        help: 'Records applied together in one database transaction (grows with the backlog)',
        labelNames: ['consumer'],
        buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500],
      }),
  ),
  sharedTransactionFallbacks: once(
    'consumer_shared_transaction_fallbacks_total',
    () =>
      new Counter({
        name: 'consumer_shared_transaction_fallbacks_total',
        help: 'Shared transactions rolled back and re-run one record per transaction (a bad record, a deadlock, a transient fault)',
        labelNames: ['consumer'],
      }),
  ),
  commitToEffect: once(
    'consumer_commit_to_effect_seconds',
    () =>
      new Histogram({
        name: 'consumer_commit_to_effect_seconds',
        help: "Time from an event's commit (occurredAt) to its effect committing in this consumer",
        labelNames: ['consumer', 'event_type'],
        buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      }),
  ),
};

export interface RelayMetrics {
  published(count: number): void;
  failed(): void;
  leader(isLeader: boolean): void;
}

export const relayMetrics: RelayMetrics = {
  published: (count) => messagingMetrics.relayPublished.inc(count),
  failed: () => messagingMetrics.relayFailures.inc(),
  leader: (isLeader) => messagingMetrics.relayLeader.set(isLeader ? 1 : 0),
};
