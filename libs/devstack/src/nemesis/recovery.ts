import { Kafka, logLevel, type Admin } from 'kafkajs';

import { GROUP_IDS, GROUP_TOPICS } from './groups.js';

export interface GroupProgress {
  committed: number;
  end: number;
}

/** Committed offsets and log ends summed over a group's partitions. */
export async function groupProgress(admin: Admin, groupId: string): Promise<GroupProgress> {
  let committed = 0;
  let end = 0;
  for (const topic of GROUP_TOPICS[groupId as keyof typeof GROUP_TOPICS].topics) {
    const ends = new Map(
      (await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]),
    );
    for (const v of ends.values()) end += v;
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    for (const p of offsets?.partitions ?? []) committed += Math.max(0, Number(p.offset));
  }
  return { committed, end };
}

/**
 * How long each consumer group stood still while it had records to read: sampled every
 * `everyMs`, a stall runs from the first sample with lag and no progress to the sample where
 * its committed offsets move again. The longest stall per group is its recovery time.
 */
export function startRecoverySampler(brokers: string[], everyMs = 1_000) {
  const kafka = new Kafka({
    clientId: 'nemesis-recovery',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    requestTimeout: 3_000,
    connectionTimeout: 2_000,
  });
  const longest: Record<string, number> = Object.fromEntries(GROUP_IDS.map((g) => [g, 0]));
  const last: Record<string, { committed: number; since?: number }> = {};
  let admin: Admin | undefined;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        admin ??= kafka.admin();
        await admin.connect();
        for (const group of GROUP_IDS) {
          const p = await groupProgress(admin, group);
          const now = Date.now();
          const prev = (last[group] ??= { committed: p.committed });
          const lagging = p.end > p.committed;
          if (p.committed !== prev.committed || !lagging) {
            if (prev.since !== undefined)
              longest[group] = Math.max(longest[group]!, now - prev.since);
            last[group] = { committed: p.committed };
          } else {
            prev.since ??= now;
          }
        }
      } catch {
        // The cluster is faulted right now; stalls keep running until the next good sample.
        await admin?.disconnect().catch(() => undefined);
        admin = undefined;
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    /** Longest stall per group in ms, including one still running. */
    stop: async (): Promise<Record<string, number>> => {
      running = false;
      await loop;
      await admin?.disconnect().catch(() => undefined);
      const now = Date.now();
      for (const group of GROUP_IDS) {
        const since = last[group]?.since;
        if (since !== undefined) longest[group] = Math.max(longest[group]!, now - since);
      }
      return longest;
    },
  };
}
