import { httpGet } from '@app/devstack';

/** One sample of the Prometheus text exposition format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses GET /metrics; a line that is no sample, comment or blank fails the test. */
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

/** One instance's GET /metrics, as its content type and parsed samples. */
export async function scrapeSamples(
  url: string,
): Promise<{ contentType: string; samples: Sample[] }> {
  const res = await httpGet(`${url}/metrics`, { timeoutMs: 10_000 });
  if (!res.ok) throw new Error(`${url}/metrics answered ${res.status}`);
  return {
    contentType: res.headers.get('content-type') ?? '',
    samples: parsePrometheus(await res.text()),
  };
}

/** One instance's Prometheus text (GET /metrics). */
export async function scrape(url: string): Promise<string> {
  const res = await httpGet(`${url}/metrics`, { timeoutMs: 10_000 });
  if (!res.ok) throw new Error(`${url}/metrics answered ${res.status}`);
  return res.text();
}

/** Sum of every series of `name` in a Prometheus text whose labels include `where`. */
export const metricSum = (text: string, name: string, where: Record<string, string> = {}): number =>
  total(parsePrometheus(text), name, where);

export type ConsumerOutcome = 'applied' | 'duplicate' | 'skipped' | 'dead-lettered';
export type OutcomeCounts = Record<ConsumerOutcome, number>;

export const noOutcomes = (): OutcomeCounts => ({
  applied: 0,
  duplicate: 0,
  skipped: 0,
  'dead-lettered': 0,
});

/**
 * Records a consumer handled since its process started, by outcome (`consumer_events_total`
 * in a Prometheus text): a duplicate the inbox recognised is told apart from a record that
 * was applied again and happened to change nothing.
 */
export function consumerOutcomes(text: string): OutcomeCounts {
  const samples = parsePrometheus(text);
  const counts = noOutcomes();
  for (const outcome of Object.keys(counts) as ConsumerOutcome[])
    counts[outcome] = total(samples, 'consumer_events_total', { outcome });
  return counts;
}

export const addOutcomes = (a: OutcomeCounts, b: OutcomeCounts): OutcomeCounts => ({
  applied: a.applied + b.applied,
  duplicate: a.duplicate + b.duplicate,
  skipped: a.skipped + b.skipped,
  'dead-lettered': a['dead-lettered'] + b['dead-lettered'],
});
