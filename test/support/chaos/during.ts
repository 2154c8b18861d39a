/**
 * Keeps a fault in place for `ms` (the fault's duration is the point, not a wait for a
 * condition) while sampling the system every `everyMs`; returns the samples.
 */
export async function during<T>(ms: number, sample: () => Promise<T>, everyMs = 500): Promise<T[]> {
  const end = Date.now() + ms;
  const samples: T[] = [];
  while (Date.now() < end) {
    samples.push(await sample());
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(everyMs, end - Date.now()))));
  }
  return samples;
}
