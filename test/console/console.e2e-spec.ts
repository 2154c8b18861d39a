import { join } from 'node:path';

import {
  PidRegistry,
  eventually,
  freePort,
  projectRoot,
  startConsole,
  type ServiceProcess,
} from '@app/devstack';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';

import { ADMIN_TOKEN, systemApi } from '../support/api.js';
import { ensureChromium, openBrowser } from '../support/browser.js';
import { e2eStack } from '../support/e2e-stack.js';
import { newCustomerId, placeOrder } from '../support/orders.js';
import { admin, type ReplayStatus } from '../support/ops.js';
import { waitUntilSettled } from '../support/outcome.js';

// The README's picture is refreshed only on request (UPDATE_SCREENSHOT=1 npm test), so that a
// test run leaves the working tree as it found it; otherwise the shot goes with the results.
const SCREENSHOT = join(
  projectRoot(),
  process.env.UPDATE_SCREENSHOT === '1' ? 'docs/console.png' : '.test-results/console.png',
);
const CONSTRAINT = 'console_e2e_block';
const BLOCKED_TOTAL = 654_321;

/** The number shown in `selector` (0 when the element is not on the page yet). */
async function shown(page: Page, selector: string): Promise<number> {
  const text = await page
    .locator(selector)
    .first()
    .textContent({ timeout: 1_000 })
    .catch(() => null);
  return text === null ? 0 : Number(text);
}

async function alterReadModel(databaseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'e2e-console' });
  await client.connect();
  try {
    await client.query(`SET lock_timeout = '10s'`);
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * The operator console in Debian's chromium, against the running stack: what an operator
 * sees (the saga moving, a dead letter appearing) and does (redrive it, replay the read
 * model) without reloading the page, and admin actions refused without the token.
 */
describe('Operator console (a real browser against the running services)', () => {
  const stack = e2eStack();
  const api = systemApi(stack);
  let operatorConsole: ServiceProcess;
  let browser: Awaited<ReturnType<typeof openBrowser>>;
  let page: Page;

  beforeAll(async () => {
    ensureChromium();
    const { runDir } = inject('stack');
    operatorConsole = await startConsole({
      port: await freePort(),
      services: {
        'order-service': [stack.url('order-service')],
        'payment-service': [stack.url('payment-service')],
        'read-model': [stack.url('read-model')],
      },
      registry: new PidRegistry(runDir),
      runDir,
      env: { CONSOLE_POLL_MS: '500' },
    });
    browser = await openBrowser();
    page = browser.page;
    await page.goto(operatorConsole.url);
    await page.locator('#connection.live').waitFor({ timeout: 30_000 });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await operatorConsole?.stop();
  });

  it('shows the saga counters move as orders are placed, with lag, outbox and relay leader', async () => {
    const placed = (): Promise<number> => shown(page, '[data-flow="placed"] .count');
    const approved = (): Promise<number> => shown(page, '[data-flow="approved"] .count');
    const rejected = (): Promise<number> => shown(page, '[data-flow="rejected"] .count');
    const before = {
      placed: await placed(),
      approved: await approved(),
      rejected: await rejected(),
    };

    const customer = newCustomerId();
    const orders = [
      await placeOrder(api, customer, 1_000),
      await placeOrder(api, customer, 2_000),
      await placeOrder(api, customer, 3_000),
      await placeOrder(api, customer, 500_000), // over the default credit: rejected
    ];
    await waitUntilSettled(
      api,
      orders.map((o) => o.orderId),
    );

    await eventually(
      async () => {
        expect(await placed()).toBeGreaterThanOrEqual(before.placed + 4);
        expect(await approved()).toBeGreaterThanOrEqual(before.approved + 3);
        expect(await rejected()).toBeGreaterThanOrEqual(before.rejected + 1);
        return true;
      },
      { timeoutMs: 30_000, what: 'the saga counters on the page to move' },
    );
    // A rate is shown once two scrapes are a second apart (until then the page shows "—").
    await eventually(
      async () => {
        expect(await page.locator('[data-flow="placed"] .rate').textContent()).toMatch(
          /^\d+(\.\d)? \/s$/,
        );
        return true;
      },
      { timeoutMs: 15_000, what: 'the placed rate to be shown' },
    );

    for (const key of [
      'order-service|payment.events',
      'payment-service|order.events',
      'read-model|order.events',
    ])
      expect(await page.locator(`[data-lag="${key}"] td.num`).count(), key).toBe(6);
    for (const service of ['order-service', 'payment-service']) {
      expect(await page.locator(`[data-outbox="${service}"]`).count(), service).toBe(1);
      expect(await page.locator(`[data-relay="${service}"] td`).nth(1).textContent()).toBe(
        stack.url(service as 'order-service').replace('http://', ''),
      );
    }
    expect(await page.locator('[data-latency="read-model"] td').nth(3).textContent()).not.toBe('0');
  });

  it('refuses admin actions without the token: the page shows the 401', async () => {
    await eventually(
      async () => expect(await page.locator('#dead-letter-message').textContent()).toMatch(/401/),
      { what: 'the dead-letter list answered 401' },
    );
    await page.locator('#replay-start').click();
    await eventually(
      async () =>
        expect(await page.locator('#replay-message').textContent()).toMatch(
          /replay not started: 401 Unauthorized/,
        ),
      { what: 'the replay button answered 401' },
    );
  });

  it('shows a dead letter as it appears, and with the token inspects and redrives it until it leaves', async () => {
    const countCell = '[data-dead-letter-count="read-model|handler-error"] .count';
    const deadBefore = await shown(page, countCell);
    const databaseUrl = stack.databaseUrl('read-model');
    await alterReadModel(
      databaseUrl,
      `ALTER TABLE order_views ADD CONSTRAINT ${CONSTRAINT} CHECK (total IS NULL OR total <> ${BLOCKED_TOTAL}) NOT VALID`,
    );
    let poisoned: string;
    try {
      poisoned = (await placeOrder(api, newCustomerId(), BLOCKED_TOTAL)).orderId;
      // Counted from the metrics: it shows without any token.
      await eventually(async () => (await shown(page, countCell)) >= deadBefore + 1, {
        timeoutMs: 60_000,
        what: 'the dead letter counted on the page',
      });
    } finally {
      await alterReadModel(
        databaseUrl,
        `ALTER TABLE order_views DROP CONSTRAINT IF EXISTS ${CONSTRAINT}`,
      );
    }

    await page.locator('#token').fill(ADMIN_TOKEN);
    await page.locator('#token-save').click();
    const row = page.locator(`#dead-letter-list tr[data-key="${poisoned}"]`);
    await row.waitFor({ timeout: 30_000 });
    expect(await row.locator('td').nth(2).textContent()).toBe('handler-error');
    expect(await row.locator('td').nth(3).textContent()).toBe('OrderCreated');

    await row.locator('button[data-action="inspect"]').click();
    await eventually(
      async () =>
        expect(await page.locator('#dead-letter-detail').textContent()).toContain(CONSTRAINT),
      { what: 'the inspected dead letter with its error' },
    );
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    await row.locator('button[data-action="redrive"]').click();
    await row.waitFor({ state: 'detached', timeout: 30_000 });
    expect(await page.locator('#dead-letter-message').textContent()).toMatch(/applied/);

    // The page told the truth: the record is in the consumer's inbox and its order in the views.
    const list = await admin<{ items: { key: string | null; applied: boolean }[] }>(
      stack,
      'read-model',
      'GET',
      '/admin/dead-letters',
    );
    expect(list.body.items.filter((i) => i.key === poisoned).map((i) => i.applied)).toEqual([true]);
    await eventually(async () => (await api.view(poisoned)).status === 200, {
      what: 'the redriven order in the read model',
    });
  });

  it('rebuilds the read model from its button, showing the phases and the checksums it compared', async () => {
    // Other spec files share the stack and may rebuild too: start from a settled status, and
    // wait for the replay this click started, not for an earlier one that shows "done".
    const replayStatus = () => admin<ReplayStatus>(stack, 'read-model', 'GET', '/admin/replay');
    const before = await eventually(
      async () => {
        const { body } = await replayStatus();
        expect(['idle', 'done', 'failed']).toContain(body.phase);
        return body;
      },
      { timeoutMs: 150_000, intervalMs: 500, what: 'no replay running before the click' },
    );
    await page.locator('#replay-start').click();
    await eventually(
      async () => {
        const { body } = await replayStatus();
        expect(body.startedAt).not.toBe(before.startedAt);
        expect(body.phase).toBe('done');
        expect(await page.locator('#replay-status .replay-phase').textContent()).toBe('done');
        return true;
      },
      { timeoutMs: 150_000, intervalMs: 500, what: 'the replay to finish on the page' },
    );
    const status = await admin<ReplayStatus>(stack, 'read-model', 'GET', '/admin/replay');
    expect(status.body).toMatchObject({ mode: 'rebuild', phase: 'done', swapped: true });
    expect(await page.locator('#replay-status .replay-live').textContent()).toBe(
      status.body.liveChecksum!.slice(0, 16),
    );
    expect(await page.locator('#replay-status .replay-rebuilt').textContent()).toBe(
      status.body.rebuiltChecksum!.slice(0, 16),
    );
    expect(await page.locator('#replay-status .replay-result').textContent()).toBe(
      status.body.checksumsMatch ? 'match' : 'DIFFER',
    );
  });
});
