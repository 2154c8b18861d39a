/**
 * An open-loop HTTP load generator: request i is due at start + i / rate, whether or not
 * earlier ones have answered (a fixed arrival rate, scheduled by time, not by completion).
 * Latencies are taken from the scheduled time, so a stalled server cannot hide its queue
 * (no coordinated omission). Keep-alive connections through node:http (cheaper per request
 * than fetch on a two-core machine where the generator shares the CPU with the system).
 */
import { Agent, request } from 'node:http';

import { nowMs, sleep } from './stats.js';

export interface Shot {
  index: number;
  /** When the request was due (epoch ms). */
  scheduledAt: number;
  sentAt: number;
  /** When the full response arrived (epoch ms); 0 when it never did. */
  doneAt: number;
  status: number;
  /** Parsed `orderId` of a 201 answer, when asked for. */
  orderId?: string;
  error?: string;
}

export interface OpenLoopOptions {
  url: string;
  rate: number;
  durationMs: number;
  body: (index: number) => string;
  headers?: (index: number) => Record<string, string>;
  /** Requests in flight beyond this are not sent and count as dropped (overload). */
  maxInFlight?: number;
  keepOrderIds?: boolean;
  agent?: Agent;
  /** Called when a request has its answer (or failed). */
  onDone?: (shot: Shot) => void;
  /** Checked before each request: true ends the run early (B12 runs until a drain is over). */
  stop?: () => boolean;
}

export interface OpenLoopReport {
  shots: Shot[];
  startedAt: number;
  endedAt: number;
  dropped: number;
  /** Largest delay between a request's due time and its send (generator lag), ms. */
  maxSendLagMs: number;
}

export function keepAliveAgent(maxSockets = 128): Agent {
  return new Agent({ keepAlive: true, maxSockets, keepAliveMsecs: 10_000 });
}

export async function openLoop(opts: OpenLoopOptions): Promise<OpenLoopReport> {
  const target = new URL(opts.url);
  const agent = opts.agent ?? keepAliveAgent();
  const maxInFlight = opts.maxInFlight ?? 2_000;
  const shots: Shot[] = [];
  const pending = new Set<Promise<void>>();
  let dropped = 0;
  let maxSendLagMs = 0;
  const interval = 1000 / opts.rate;
  const startedAt = nowMs();
  const total = Math.floor((opts.durationMs / 1000) * opts.rate);

  const fire = (index: number, scheduledAt: number): void => {
    const body = opts.body(index);
    const shot: Shot = { index, scheduledAt, sentAt: nowMs(), doneAt: 0, status: 0 };
    maxSendLagMs = Math.max(maxSendLagMs, shot.sentAt - scheduledAt);
    shots.push(shot);
    const done = new Promise<void>((resolve) => {
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...opts.headers?.(index),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            shot.doneAt = nowMs();
            shot.status = res.statusCode ?? 0;
            if (opts.keepOrderIds && shot.status === 201) {
              try {
                shot.orderId = (
                  JSON.parse(Buffer.concat(chunks).toString('utf8')) as { orderId: string }
                ).orderId;
              } catch {
                shot.error = 'unparsable 201 body';
              }
            }
            opts.onDone?.(shot);
            resolve();
          });
          res.on('error', (e) => {
            shot.error = e.message;
            opts.onDone?.(shot);
            resolve();
          });
        },
      );
      req.on('error', (e) => {
        shot.error = e.message;
        shot.doneAt = nowMs();
        opts.onDone?.(shot);
        resolve();
      });
      req.end(body);
    });
    pending.add(done);
    void done.then(() => pending.delete(done));
  };

  let next = 0;
  while (next < total && !opts.stop?.()) {
    const now = nowMs();
    while (next < total && startedAt + next * interval <= now) {
      const scheduledAt = startedAt + next * interval;
      if (pending.size >= maxInFlight) {
        dropped += 1;
        shots.push({
          index: next,
          scheduledAt,
          sentAt: 0,
          doneAt: 0,
          status: 0,
          error: 'dropped',
        });
      } else fire(next, scheduledAt);
      next += 1;
    }
    const wait = startedAt + next * interval - nowMs();
    await sleep(Math.max(0, Math.min(wait, 5)));
  }
  const endedAt = nowMs();
  await Promise.all(pending);
  return { shots, startedAt, endedAt, dropped, maxSendLagMs };
}

/** An open-loop driver for any async operation (the bare pipeline's inserts). */
export async function openLoopOps<T>(
  rate: number,
  durationMs: number,
  op: (index: number, scheduledAt: number) => Promise<T>,
  maxInFlight = 2_000,
): Promise<{ results: (T | undefined)[]; dropped: number; startedAt: number; endedAt: number }> {
  const interval = 1000 / rate;
  const total = Math.floor((durationMs / 1000) * rate);
  const results: (T | undefined)[] = new Array<T | undefined>(total);
  const pending = new Set<Promise<void>>();
  let dropped = 0;
  const startedAt = nowMs();
  let next = 0;
  while (next < total) {
    const now = nowMs();
    while (next < total && startedAt + next * interval <= now) {
      const index = next;
      if (pending.size >= maxInFlight) dropped += 1;
      else {
        const p: Promise<void> = op(index, startedAt + index * interval).then(
          (r) => {
            results[index] = r;
          },
          () => undefined,
        );
        pending.add(p);
        void p.then(() => pending.delete(p));
      }
      next += 1;
    }
    const wait = startedAt + next * interval - nowMs();
    await sleep(Math.max(0, Math.min(wait, 5)));
  }
  const endedAt = nowMs();
  await Promise.all(pending);
  return { results, dropped, startedAt, endedAt };
}

/** Closed loop: `concurrency` workers back to back for a while (capacity probe). */
export async function closedLoop(
  concurrency: number,
  durationMs: number,
  op: (index: number) => Promise<boolean>,
): Promise<{ ok: number; failed: number; seconds: number }> {
  let ok = 0;
  let failed = 0;
  let index = 0;
  const start = nowMs();
  const end = start + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (nowMs() < end) {
        const good = await op(index++).catch(() => false);
        if (good) ok += 1;
        else failed += 1;
      }
    }),
  );
  return { ok, failed, seconds: (nowMs() - start) / 1000 };
}

/** One keep-alive POST, resolved with its status and body. */
export function post(
  url: string,
  body: string,
  agent: Agent,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
