import { seededRandom } from './prng.js';

export type FaultKind =
  | 'kill-service'
  | 'kill-relay-leader'
  | 'kill-broker'
  | 'pause-service'
  | 'pause-broker'
  | 'postgres-restart'
  | 'latency'
  | 'blackhole';

export interface PlannedFault {
  /** When it starts, from the start of the load. */
  atMs: number;
  kind: FaultKind;
  /**
   * A service instance (`payment-service-2`), a service whose relay leader is meant
   * (`order-service`), a broker (`broker-2`), or `postgres`.
   */
  target: string;
  /** How long it lasts: down before the restart, paused, slowed or cut off. */
  holdMs: number;
  /** One-way delay for `latency`. */
  latencyMs?: number;
}

export interface ScheduleOptions {
  seed: number;
  durationMs: number;
  /** Mean gap between two faults' starts. */
  everyMs: number;
  /** Service instance names, e.g. `order-service`, `order-service-2`, … */
  instances: readonly string[];
  /** Services that run an outbox relay (their leader can be targeted). */
  relays: readonly string[];
  brokers: number;
}

/** How often each fault kind is drawn, relatively. */
const WEIGHTS: Record<FaultKind, number> = {
  'kill-service': 3,
  'kill-relay-leader': 2,
  'kill-broker': 2,
  'pause-service': 2,
  'pause-broker': 1,
  'postgres-restart': 1,
  latency: 1,
  blackhole: 1,
};

/**
 * The nemesis's fault schedule: a pure function of its options (the seed above all), so the
 * same seed replays the same faults at the same offsets against the same targets.
 */
export function faultSchedule(o: ScheduleOptions): PlannedFault[] {
  const random = seededRandom(o.seed);
  const between = (lo: number, hi: number): number => Math.round(lo + random() * (hi - lo));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const kinds = Object.entries(WEIGHTS) as [FaultKind, number][];
  const total = kinds.reduce((n, [, w]) => n + w, 0);
  const drawKind = (): FaultKind => {
    let r = random() * total;
    for (const [kind, weight] of kinds) if ((r -= weight) < 0) return kind;
    return kinds[0]![0];
  };
  const broker = (): string => `broker-${between(1, o.brokers)}`;

  const faults: PlannedFault[] = [];
  // The first fault comes after a warm-up gap: the load should be flowing first.
  for (let at = o.everyMs; at < o.durationMs; at += between(o.everyMs * 0.5, o.everyMs * 1.5)) {
    const kind = drawKind();
    switch (kind) {
      case 'kill-service':
        faults.push({ atMs: at, kind, target: pick(o.instances), holdMs: between(500, 6_000) });
        break;
      case 'kill-relay-leader':
        faults.push({ atMs: at, kind, target: pick(o.relays), holdMs: between(500, 6_000) });
        break;
      case 'kill-broker':
        faults.push({ atMs: at, kind, target: broker(), holdMs: between(1_000, 8_000) });
        break;
      case 'pause-service':
        // Some pauses outlast the consumers' 10 s session: the group moves on without it.
        faults.push({ atMs: at, kind, target: pick(o.instances), holdMs: between(2_000, 15_000) });
        break;
      case 'pause-broker':
        faults.push({ atMs: at, kind, target: broker(), holdMs: between(2_000, 12_000) });
        break;
      case 'postgres-restart':
        faults.push({ atMs: at, kind, target: 'postgres', holdMs: between(500, 4_000) });
        break;
      case 'latency':
        faults.push({
          atMs: at,
          kind,
          target: broker(),
          holdMs: between(3_000, 10_000),
          latencyMs: between(50, 1_000),
        });
        break;
      case 'blackhole':
        faults.push({ atMs: at, kind, target: broker(), holdMs: between(2_000, 12_000) });
        break;
    }
  }
  return faults;
}
