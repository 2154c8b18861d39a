/** Values recorded at scrape times, kept for `keepMs`: what rates and "for how long" need. */
export class TimeWindow<T> {
  private entries: { at: number; value: T }[] = [];

  constructor(private readonly keepMs: number) {}

  record(at: number, value: T): void {
    this.entries.push({ at, value });
    this.entries = this.entries.filter((e) => e.at >= at - this.keepMs);
  }

  /** Entries of the last `ms` before `now`, oldest first. */
  within(ms: number, now: number): { at: number; value: T }[] {
    return this.entries.filter((e) => e.at >= now - ms);
  }

  /** The oldest entry of the last `ms`, if any. */
  oldestWithin(ms: number, now: number): { at: number; value: T } | undefined {
    return this.within(ms, now)[0];
  }
}
