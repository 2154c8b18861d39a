import { GROUP_IDS, eventually } from '@app/devstack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { actedOn } from '../support/chaos/census.js';
import { startChaosStack, type ChaosStack } from '../support/chaos/chaos-stack.js';
import { during } from '../support/chaos/during.js';
import { allReady, noneReady, readinessAll } from '../support/chaos/health.js';
import { startLoad } from '../support/chaos/load.js';
import { countsOf, recordScenario } from '../support/chaos/report.js';
import { expectNothingLostNothingTwice, settle, NO_DEAD_LETTERS } from '../support/chaos/settle.js';
import { handlerFailures } from '../support/chaos/tally.js';
import { timeline } from '../support/chaos/timeline.js';

const SCENARIO = 'database-crash';
const INVARIANT = '7 transient faults never dead-letter or skip; 1 no lost event; 3 applied once';
const OUTAGE_MS = 5_000;

/**
 * Core. Invariant 7's second half: a transient fault never dead-letters and never skips; the
 * partition waits and resumes by itself. PostgreSQL (the one cluster that holds all three
 * services' databases) is shut down immediately (SIGQUIT, a crash: recovery on restart) while
 * orders flow, and started again a few seconds later. Clients retry with their Idempotency-Key.
 */
describe('Invariant 7 "transient faults never dead-letter": PostgreSQL crashes under load', () => {
  let chaos: ChaosStack;
  const started = Date.now();

  beforeAll(async () => {
    chaos = await startChaosStack({ scenario: SCENARIO });
  });
  afterAll(async () => {
    await chaos?.close();
  });

  it('services recover by themselves; nothing lost, nothing applied twice, nothing dead-lettered', async () => {
    const t = timeline();
    const postgres = chaos.stack.infra.postgres!;
    const load = startLoad({
      targets: () => [chaos.url('order-service')],
      // Busy enough that consumers have records in flight when the crash hits: with the
      // consumers' shared transactions, a trickle is applied too fast to be caught by it.
      ratePerSecond: 30,
      maxOrders: 200,
      maxMs: 40_000,
      customers: 24,
      cancelEvery: 6,
    });
    await eventually(() => load.placed() >= 60, { timeoutMs: 30_000, what: '60 orders placed' });

    await postgres.crash();
    t.mark('postgres crashed');
    const down = await during(OUTAGE_MS, () => readinessAll(chaos));
    // The fault took effect: every service reported itself not ready while it lasted.
    expect(
      down.some(noneReady),
      `readiness while PostgreSQL was down: ${JSON.stringify(down)}`,
    ).toBe(true);
    await postgres.restart();
    t.mark('postgres restarted');
    // Nobody restarts the services: they reconnect on their own.
    await eventually(async () => allReady(await readinessAll(chaos)), {
      timeoutMs: 60_000,
      intervalMs: 250,
      what: 'every service to be ready again',
    });
    t.mark('services ready');
    const result = await load.finished;
    t.mark('load done');
    expect(result.failures).toEqual([]);

    const s = await settle(chaos, 120_000, t.mark);
    expectNothingLostNothingTwice(s, result.orderIds);
    const failures = await handlerFailures(chaos);
    for (const group of GROUP_IDS) {
      expect(s.tally[group]['dead-lettered'], `${group} dead-lettered`).toBe(0);
      expect(failures[group].permanent, `${group} permanent failures`).toBe(0);
      // Every record got exactly one outcome (a retried attempt is not one): nothing skipped.
      // A duplicate beyond the relay's re-sends is a commit whose answer the crash swallowed.
      const expected = actedOn(s.census, group);
      expect(s.tally[group].applied + s.tally[group].duplicate, `${group} outcomes`).toBe(
        expected.records,
      );
      expect(s.tally[group].duplicate, `${group} duplicates`).toBeGreaterThanOrEqual(
        expected.resent,
      );
    }
    expect(
      GROUP_IDS.reduce((n, g) => n + failures[g].transient, 0),
      'transient failures retried (the crash reached the consumers)',
    ).toBeGreaterThan(0);
    expect(s.audit.deadLetters).toEqual(NO_DEAD_LETTERS);

    recordScenario(
      countsOf(
        SCENARIO,
        INVARIANT,
        result,
        s,
        { handlerFailures: failures, readinessWhileDown: down.at(-1), timeline: t.marks },
        started,
      ),
    );
  });
});
