/**
 * What the console streams to the page once per scrape (GET /api/stream). Pure types: the
 * page's script imports them too. `health` is decided here, by the thresholds the README
 * gives, so the page only colours it.
 */
export type Health = 'ok' | 'warn' | 'trouble';

/** A watched service as the topology states it: its consumer group and the admin API it serves. */
export interface WatchedServiceInfo {
  name: string;
  group: string;
  deadLetters: boolean;
  replay: boolean;
}

export interface InstanceStatus {
  service: string;
  url: string;
  up: boolean;
  error?: string;
}

export type SagaStep = 'placed' | 'approved' | 'rejected' | 'cancelled';

export interface FlowRow {
  step: SagaStep;
  eventType: string;
  /** Events applied by the read model since its instances started. */
  total: number;
  /** Over the last 10 s; null until two scrapes are ten seconds apart. */
  perSecond: number | null;
}

export interface LagRow {
  group: string;
  topic: string;
  partition: number;
  lag: number;
  health: Health;
}

export interface OutboxRow {
  service: string;
  backlog: number;
  oldestAgeSeconds: number;
  health: Health;
}

export interface RelayRow {
  service: string;
  /** URL of the instance holding the relay lock; null when none does. */
  leader: string | null;
  instances: { url: string; leader: boolean }[];
  health: Health;
}

export interface LatencyRow {
  consumer: string;
  /** p99 of commit -> effect over the last minute (null: no event in it). */
  p99Recent: number | null;
  /** p99 since the consumer's instances started. */
  p99Overall: number | null;
  events: number;
  health: Health;
}

export interface DeadLetterCount {
  group: string;
  reason: string;
  /** Records dead-lettered since the group's instances started (consumer_dead_letters_total). */
  count: number;
}

export interface Snapshot {
  at: string;
  sloSeconds: number;
  services: WatchedServiceInfo[];
  instances: InstanceStatus[];
  flow: FlowRow[];
  lag: LagRow[];
  outbox: OutboxRow[];
  relay: RelayRow[];
  latency: LatencyRow[];
  deadLetters: DeadLetterCount[];
}
