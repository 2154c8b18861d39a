import { randomUUID } from 'node:crypto';

export interface LoadOptions {
  /** order-service URLs, asked at each attempt; a failed attempt moves on to the next one. */
  targets: () => string[];
  ratePerSecond: number;
  /** Bounds: the load stops at whichever comes first (or at stop()). */
  maxOrders: number;
  maxMs: number;
  /** Fresh customers, so the scenario's money checks see only its own orders. */
  customers: number;
  /** Every n-th order is cancelled right after its 201 (racing its payment). */
  cancelEvery?: number;
  /** How long one order (or cancel) keeps being retried before it counts as failed. */
  retryForMs?: number;
}

export interface LoadResult {
  /** Orders that got their 201: committed in order-service. */
  orderIds: string[];
  customerIds: string[];
  /** Cancels answered 200 (others got 409: the order was already rejected). */
  cancelled: number;
  /** Attempts that failed (connection refused/reset, 5xx) and were retried with the same key. */
  retries: number;
  /** Requests that never succeeded (the test fails on any). */
  failures: string[];
}

export interface Load {
  /** Orders committed so far. */
  placed(): number;
  /** Their ids, in the order their 201s came back. */
  snapshot(): string[];
  /** Stops placing new orders and waits for the ones in flight. */
  stop(): Promise<LoadResult>;
  /** Resolves when a bound is reached (or stop() was called). */
  readonly finished: Promise<LoadResult>;
}

/** Big enough to exceed a fresh customer's default credit (100 000): a rejection. */
const OVER_CREDIT = 150_000;
const MAX_IN_FLIGHT = 16;

/**
 * Places orders at a steady rate like a client behind a load balancer: every order carries an
 * Idempotency-Key and is retried with it (on the next target) until it gets a 201, so an
 * order whose first attempt died with the service is still placed exactly once.
 */
export function startLoad(opts: LoadOptions): Load {
  const run = randomUUID().slice(0, 8);
  const customerIds = Array.from({ length: opts.customers }, (_, i) => `chaos-${run}-c${i}`);
  const result: LoadResult = { orderIds: [], customerIds, cancelled: 0, retries: 0, failures: [] };
  const retryForMs = opts.retryForMs ?? 90_000;
  const started = Date.now();
  let stopping = false;
  let attempt = 0;
  const inFlight = new Set<Promise<void>>();

  const send = async (
    path: string,
    body: unknown,
    headers: Record<string, string>,
    done: (status: number, json: unknown) => boolean,
  ): Promise<void> => {
    const deadline = Date.now() + retryForMs;
    for (let tries = 0; ; tries += 1) {
      let problem: string;
      try {
        const targets = opts.targets();
        const target = targets[(attempt += 1) % targets.length];
        if (!target) throw new Error('no order-service to send to');
        const res = await fetch(`${target}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
        const json: unknown = await res.json().catch(() => null);
        if (done(res.status, json)) return;
        problem = `${res.status} ${JSON.stringify(json)}`;
        // A 4xx answer will not change on a retry.
        if (res.status < 500) {
          result.failures.push(`${path}: ${problem}`);
          return;
        }
      } catch (error) {
        problem = String(error);
      }
      if (Date.now() > deadline) {
        result.failures.push(`${path}: ${problem}`);
        return;
      }
      result.retries += 1;
      await new Promise((r) => setTimeout(r, Math.min(2_000, 200 * 2 ** Math.min(tries, 4))));
    }
  };

  const placeOne = async (i: number): Promise<void> => {
    const customerId = customerIds[i % customerIds.length]!;
    const total = i % 13 === 12 ? OVER_CREDIT : 500 + (i % 10) * 500;
    const body = {
      customerId,
      currency: 'EUR',
      items: [{ sku: `SKU-${i % 7}`, quantity: 1, unitPrice: total }],
    };
    let orderId: string | undefined;
    await send('/orders', body, { 'idempotency-key': `chaos-${run}-${i}` }, (status, json) => {
      if (status !== 201) return false;
      orderId = (json as { orderId: string }).orderId;
      return true;
    });
    if (!orderId) return;
    result.orderIds.push(orderId);
    if (opts.cancelEvery && i % opts.cancelEvery === opts.cancelEvery - 1) {
      await send(`/orders/${orderId}/cancel`, {}, {}, (status) => {
        if (status === 200) result.cancelled += 1;
        return status === 200 || status === 409;
      });
    }
  };

  const finished = (async (): Promise<LoadResult> => {
    for (let i = 0; i < opts.maxOrders && !stopping; i += 1) {
      const due = started + (i * 1000) / opts.ratePerSecond;
      if (due > started + opts.maxMs) break;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
      while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
      if (stopping) break;
      const p: Promise<void> = placeOne(i).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
    return result;
  })();

  return {
    placed: () => result.orderIds.length,
    snapshot: () => [...result.orderIds],
    stop: () => {
      stopping = true;
      return finished;
    },
    finished,
  };
}
