/**
 * The compose test's own bookkeeping: a time per phase and a verdict per check, printed as a
 * table and the plain `N passed, N failed` line .ci/run adds to the project's total.
 */
export class Report {
  private readonly phases: { name: string; seconds: number; note: string }[] = [];
  private readonly checks: { name: string; ok: boolean; detail?: string }[] = [];
  private readonly started = Date.now();

  private pendingNote = '';

  /** Runs one phase; its time is recorded whether it succeeds or throws. */
  async phase<T>(name: string, body: () => Promise<T>, note = ''): Promise<T> {
    const started = Date.now();
    this.pendingNote = note;
    console.log(`\n=== ${name}`);
    try {
      return await body();
    } finally {
      const seconds = (Date.now() - started) / 1000;
      this.phases.push({ name, seconds, note: this.pendingNote });
      this.pendingNote = '';
      console.log(`--- ${name}: ${seconds.toFixed(1)} s`);
    }
  }

  /** A note on the phase that is running (what it found: reused, installed, ...). */
  notePhase(note: string): void {
    this.pendingNote = note;
  }

  /** A check that passes when `body` resolves; a throw is a failure with its message. */
  async check(name: string, body: () => Promise<unknown>): Promise<boolean> {
    try {
      await body();
      this.checks.push({ name, ok: true });
      console.log(`ok   ${name}`);
      return true;
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      this.checks.push({ name, ok: false, detail });
      console.log(`FAIL ${name}\n     ${detail.split('\n').join('\n     ')}`);
      return false;
    }
  }

  get failed(): number {
    return this.checks.filter((c) => !c.ok).length;
  }

  print(): void {
    const total = (Date.now() - this.started) / 1000;
    console.log(`\n=== compose test: timings (total ${total.toFixed(1)} s)`);
    for (const p of this.phases) {
      console.log(
        `${p.seconds.toFixed(1).padStart(7)} s  ${p.name}${p.note ? ` (${p.note})` : ''}`,
      );
    }
    console.log('\n=== compose test: checks');
    for (const c of this.checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}`);
    console.log(`${this.checks.length - this.failed} passed, ${this.failed} failed`);
  }
}
