export type ConsumerOutcome = 'applied' | 'duplicate' | 'skipped' | 'dead-lettered';
export type OutcomeCounts = Record<ConsumerOutcome, number>;

export const noOutcomes = (): OutcomeCounts => ({
  applied: 0,
  duplicate: 0,
  skipped: 0,
  'dead-lettered': 0,
});

/** One instance's Prometheus text (GET /metrics). */
export async function scrape(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${url}/metrics answered ${res.status}`);
  return res.text();
}

/** Sum of every series of `name` whose labels include `where`. */
export function metricSum(text: string, name: string, where: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const labels = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]),
    );
    if (Object.entries(where).every(([k, v]) => labels[k] === v)) sum += Number(match[3]);
  }
  return sum;
}

/**
 * Records a consumer handled since its process started, by outcome (`consumer_events_total`):
 * a duplicate the inbox recognised is told apart from a record applied again.
 */
export function consumerOutcomes(text: string): OutcomeCounts {
  const counts = noOutcomes();
  for (const outcome of Object.keys(counts) as ConsumerOutcome[])
    counts[outcome] = metricSum(text, 'consumer_events_total', { outcome });
  return counts;
}

export const addOutcomes = (a: OutcomeCounts, b: OutcomeCounts): OutcomeCounts => ({
  applied: a.applied + b.applied,
  duplicate: a.duplicate + b.duplicate,
  skipped: a.skipped + b.skipped,
  'dead-lettered': a['dead-lettered'] + b['dead-lettered'],
});
