import type { E2eStack } from './e2e-stack.js';

import type { Account, CustomerSummary, SystemApi } from './api.js';
import { waitUntilSettled, outcomeOf, type Outcome } from './outcome.js';
import { mapWithLimit } from './pool.js';
import { waitUntilQuiet } from './quiet.js';

/** Everything the three services show about some orders and customers, at one quiet moment. */
export interface Snapshot {
  outcomes: Record<string, Outcome>;
  accounts: Record<string, Account>;
  summaries: Record<string, CustomerSummary>;
}

export async function snapshotOf(
  api: SystemApi,
  orderIds: readonly string[],
  customerIds: readonly string[],
): Promise<Snapshot> {
  const outcomes = await mapWithLimit(orderIds, 10, (id) => outcomeOf(api, id));
  const accounts = await mapWithLimit(customerIds, 10, async (id) => (await api.account(id)).body);
  const summaries = await mapWithLimit(customerIds, 10, async (id) => (await api.summary(id)).body);
  return {
    outcomes: Object.fromEntries(orderIds.map((id, i) => [id, outcomes[i]!])),
    accounts: Object.fromEntries(customerIds.map((id, i) => [id, accounts[i]!])),
    summaries: Object.fromEntries(customerIds.map((id, i) => [id, summaries[i]!])),
  };
}

/** Waits for the orders to settle and the whole system to go quiet, then takes a snapshot. */
export async function settle(
  stack: E2eStack,
  api: SystemApi,
  orderIds: readonly string[],
  customerIds: readonly string[],
  timeoutMs = 90_000,
): Promise<Snapshot> {
  await waitUntilSettled(api, orderIds, timeoutMs);
  await waitUntilQuiet(stack, timeoutMs);
  return snapshotOf(api, orderIds, customerIds);
}
