import { createRequire } from 'node:module';

/** kafkajs's own retry interval for requests that wait on the in-flight limit. */
const CHECK_PENDING_INTERVAL_MS = 10;

/** The kafkajs release whose RequestQueue this replaces a method of (package.json pins it). */
const FIXED_VERSION = '2.2.4';

/** Marks the class as fixed, so that a second call changes nothing. */
const FIXED = Symbol.for('kafka-event-log.kafkajs-idle-timer-fixed');

/** The parts of kafkajs's per-connection RequestQueue this fix reads and replaces. */
interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/**
 * Stops kafkajs's idle timer loop, once per process, for every kafkajs client in it.
 *
 * In kafkajs 2.2.4 (its last release: the project is unmaintained), every broker connection
 * that has completed a request re-arms a timer with a negative delay, so about every
 * millisecond, forever, whether or not a request is waiting (tulios/kafkajs#1556 and #1704;
 * the fix proposed in #1667 was never merged). Measured here: each idle service woke about
 * 1,700 times a second and spent about 5 % of a core on it, and under load the same timers
 * compete with the records for the event loop (ADR 0009, session 9).
 *
 * The timer only exists to send requests that had to wait: while the client is throttled
 * by the broker, or while too many are in flight. With none waiting there is nothing to
 * send, and a request that has to wait arms the timer again when it is queued (kafkajs's
 * `push`). Otherwise the replacement behaves as the original: it waits for the end of a
 * throttle, or 10 ms. The class is kafkajs's internal one, loaded from the same file that
 * kafkajs loads, so every client gets the fix. With any other kafkajs version, or if the
 * method is gone, this fails loudly at start-up rather than silently doing nothing.
 */
export function fixKafkajsIdleTimer(): void {
  const require = createRequire(import.meta.url);
  const { version } = require('kafkajs/package.json') as { version: string };
  if (version !== FIXED_VERSION)
    throw new Error(
      `kafkajs ${version}: kafkajs-idle-timer.ts was written for ${FIXED_VERSION}; check whether its idle timer loop is still there and update the fix`,
    );
  const loaded = require('kafkajs/src/network/requestQueue/index.js') as {
    prototype?: Partial<RequestQueue> & { [FIXED]?: true };
  };
  const proto = loaded.prototype;
  if (typeof proto?.scheduleCheckPendingRequests !== 'function')
    throw new Error('kafkajs changed: RequestQueue.scheduleCheckPendingRequests is gone');
  if (proto[FIXED]) return;
  proto[FIXED] = true;
  proto.scheduleCheckPendingRequests = function (this: RequestQueue): void {
    if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
    const throttled = this.throttledUntil - Date.now();
    this.throttleCheckTimeoutId = setTimeout(
      () => {
        this.throttleCheckTimeoutId = null;
        this.checkPendingRequests();
      },
      throttled > 0 ? throttled : CHECK_PENDING_INTERVAL_MS,
    );
  };
}
