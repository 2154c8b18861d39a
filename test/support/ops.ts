import type { E2eStack } from './e2e-stack.js';
import type { Admin } from 'kafkajs';

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

/** One sample of the Prometheus text exposition format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** GET /metrics of a service, parsed. */
export async function scrape(
  stack: E2eStack,
  service: ServiceName,
): Promise<{ contentType: string; samples: Sample[] }> {
  const response = await http<string>('GET', `${stack.url(service)}/metrics`);
  if (response.status !== 200) throw new Error(`GET /metrics of ${service}: ${response.status}`);
  return {
    contentType: response.headers.get('content-type') ?? '',
    samples: parsePrometheus(response.body),
  };
}

/** The samples named `name` whose labels include `labels`. */
export const select = (
  samples: readonly Sample[],
  name: string,
  labels: Record<string, string> = {},
): Sample[] =>
  samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );

/** Sum of the samples named `name` whose labels include `labels` (0 when there are none). */
export const total = (
  samples: readonly Sample[],
  name: string,
  labels: Record<string, string> = {},
): number => select(samples, name, labels).reduce((sum, s) => sum + s.value, 0);

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
