import { eventually } from '@app/devstack';

import type { Order, OrderView, Payment, SystemApi } from './api.js';
import { mapWithLimit } from './pool.js';

/** One order as each service shows it. */
export interface Outcome {
  order: Order;
  payment: Payment;
  view: OrderView;
}

/**
 * The order once its saga has run: final in order-service, its payment decided, and the read
 * model showing the same status and payment status. Throws (for `eventually`) until then.
 */
export async function outcomeOf(api: SystemApi, orderId: string): Promise<Outcome> {
  const [order, payment, view] = await Promise.all([
    api.order(orderId),
    api.payment(orderId),
    api.view(orderId),
  ]);
  const state = `order ${orderId}: order-service ${order.status} ${order.body.status}, payment ${payment.status} ${payment.body.status}, read model ${view.status} ${view.body.status}/${view.body.paymentStatus}`;
  if (order.status !== 200 || order.body.status === 'PENDING')
    throw new Error(`not final: ${state}`);
  if (payment.status !== 200) throw new Error(`no payment: ${state}`);
  if (
    view.status !== 200 ||
    view.body.status !== order.body.status ||
    view.body.paymentStatus !== payment.body.status
  ) {
    throw new Error(`read model behind: ${state}`);
  }
  return { order: order.body, payment: payment.body, view: view.body };
}

/** Waits until every order has an outcome (polling only the ones still moving). */
export async function waitUntilSettled(
  api: SystemApi,
  orderIds: readonly string[],
  timeoutMs = 60_000,
): Promise<void> {
  const settled = new Set<string>();
  await eventually(
    async () => {
      const problems: string[] = [];
      await mapWithLimit(
        orderIds.filter((id) => !settled.has(id)),
        10,
        (id) =>
          outcomeOf(api, id).then(
            () => settled.add(id),
            (e: Error) => problems.push(e.message),
          ),
      );
      if (problems.length > 0)
        throw new Error(
          `${problems.length} of ${orderIds.length} orders unsettled, e.g. ${problems[0]}`,
        );
      return true;
    },
    { timeoutMs, intervalMs: 250, what: 'every order to settle in all three services' },
  );
}
