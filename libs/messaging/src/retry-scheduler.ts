import { backoffDelay } from './backoff.js';

/** What the scheduler needs of a fetched batch's partition. */
export interface PartitionControls {
  /** Stops fetching the partition; the returned function resumes it. */
  pause(): () => void;
  /** Makes the next fetch start at this offset. */
  seek(offset: string): void;
}

/**
 * Retries of transient faults, per partition. A failed record is never skipped and never
 * dead-lettered: its partition pauses, the next fetch is moved back to that record, and the
 * partition resumes after a capped exponential backoff with jitter. Other partitions go on.
 * The attempt count (and so the delay) grows until the partition gets a record through.
 */
export class RetryScheduler {
  private readonly attempts = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly delayOf: (attempt: number) => number = (attempt) =>
      backoffDelay(attempt, 200, 10_000),
  ) {}

  /** Holds `offset` of the partition back; returns the delay before it is fetched again. */
  retryLater(topic: string, partition: number, offset: string, controls: PartitionControls) {
    const key = `${topic}/${partition}`;
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    const resume = controls.pause();
    // Fetch this record again on resume: nothing after it is processed before it succeeds.
    controls.seek(offset);
    const delay = this.delayOf(attempt);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      resume();
    }, delay);
    this.timers.add(timer);
    return delay;
  }

  /** The partition got a record through: its next failure starts from the shortest delay. */
  succeeded(topic: string, partition: number): void {
    this.attempts.delete(`${topic}/${partition}`);
  }

  attemptsOf(topic: string, partition: number): number {
    return this.attempts.get(`${topic}/${partition}`) ?? 0;
  }

  /** The consumer stops: pending resumes are dropped (the group's next member fetches anew). */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
