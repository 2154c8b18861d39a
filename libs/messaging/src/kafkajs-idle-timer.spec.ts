import { createRequire } from 'node:module';

import { eventually } from '@app/devstack';
import { afterEach, describe, expect, it } from 'vitest';

import { fixKafkajsIdleTimer } from './kafkajs-idle-timer.js';

/** kafkajs's per-connection request queue, as far as these specs drive it. */
interface Queue {
  throttleCheckTimeoutId: unknown;
  maybeThrottle(ms: number): void;
  push(request: { entry: object; expectResponse: boolean; sendRequest: () => void }): void;
  checkPendingRequests(): void;
  destroy(): void;
}
type QueueClass = new (opts: object) => Queue;

const RequestQueue = createRequire(import.meta.url)(
  'kafkajs/src/network/requestQueue/index.js',
) as QueueClass;
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined };

const queues: Queue[] = [];
function queue(): Queue {
  fixKafkajsIdleTimer();
  const q = new RequestQueue({
    maxInFlightRequests: 1,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'spec',
    broker: 'broker:9092',
    logger: quiet,
  });
  queues.push(q);
  return q;
}
afterEach(() => {
  for (const q of queues.splice(0)) q.destroy();
});

describe("kafkajs's request queue with the idle timer fixed", () => {
  it('arms no timer when nothing waits (kafkajs 2.2.4 armed one that re-armed itself every ms)', () => {
    const q = queue();
    // What every answered request does (fulfillRequest) with nothing queued behind it.
    q.checkPendingRequests();
    expect(q.throttleCheckTimeoutId).toBeNull();
  });

  it('still sends a request that waited for a throttle, once the throttle is over', async () => {
    const q = queue();
    q.maybeThrottle(60);
    const pushedAt = Date.now();
    let sentAt = 0;
    q.push({
      entry: {
        correlationId: 1,
        apiKey: 0,
        apiName: 'Produce',
        apiVersion: 3,
        resolve: () => undefined,
        reject: () => undefined,
      },
      expectResponse: false,
      sendRequest: () => {
        sentAt = Date.now();
      },
    });
    expect(sentAt).toBe(0);
    await eventually(() => sentAt > 0, { timeoutMs: 2_000, intervalMs: 10, what: 'the send' });
    expect(sentAt - pushedAt).toBeGreaterThanOrEqual(50);
  });
});
