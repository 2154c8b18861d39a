import type { Admin } from 'kafkajs';

import type { E2eStack } from './e2e-stack.js';
import { ADMIN_TOKEN } from './api.js';
import { http, type HttpResponse } from './http.js';

type ServiceName = Parameters<E2eStack['url']>[0];

/** A call to a service's /admin API with the bearer token (or `token`, or none with null). */
export function admin<T>(
  stack: E2eStack,
  service: ServiceName,
  method: string,
  path: string,
  opts: { json?: unknown; token?: string | null } = {},
): Promise<HttpResponse<T>> {
  const token = opts.token === undefined ? ADMIN_TOKEN : opts.token;
  return http<T>(method, `${stack.url(service)}${path}`, {
    json: opts.json,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
}

/** GET /admin/replay of the read model (replay-status.ts). */
export interface ReplayStatus {
  mode: 'rebuild' | 'from-datetime' | null;
  phase: string;
  startedAt: string | null;
  finishedAt: string | null;
  behind: number | null;
  liveChecksum: string | null;
  rebuiltChecksum: string | null;
  checksumsMatch: boolean | null;
  swapped: boolean;
  orders: number | null;
  error: string | null;
}

/** "topic/partition" -> offset. */
export type Offsets = Map<string, bigint>;

/** A group's committed offsets on `topics` (-1 where it has committed nothing). */
export async function committedOffsets(
  kafkaAdmin: Admin,
  groupId: string,
  topics: readonly string[],
): Promise<Offsets> {
  const out: Offsets = new Map();
  for (const { topic, partitions } of await kafkaAdmin.fetchOffsets({
    groupId,
    topics: [...topics],
  })) {
    for (const p of partitions) out.set(`${topic}/${p.partition}`, BigInt(p.offset));
  }
  return out;
}

/** Each partition's end (high watermark) or start (low). */
export async function topicOffsets(
  kafkaAdmin: Admin,
  topics: readonly string[],
  which: 'high' | 'low',
): Promise<Offsets> {
  const out: Offsets = new Map();
  for (const topic of topics) {
    for (const p of await kafkaAdmin.fetchTopicOffsets(topic))
      out.set(`${topic}/${p.partition}`, BigInt(p[which]));
  }
  return out;
}

/** Records in a topic now: the sum of its partitions' end offsets (nothing is deleted here). */
export async function recordsIn(kafkaAdmin: Admin, topic: string): Promise<bigint> {
  let sum = 0n;
  for (const offset of (await topicOffsets(kafkaAdmin, [topic], 'high')).values()) sum += offset;
  return sum;
}

export const asObject = (offsets: Offsets): Record<string, string> =>
  Object.fromEntries([...offsets].sort().map(([k, v]) => [k, v.toString()]));
