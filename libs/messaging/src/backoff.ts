/**
 * Capped exponential backoff with full jitter (AWS architecture blog's "full jitter"):
 * retries of many partitions spread out instead of hammering a recovering dependency.
 */
export function backoffDelay(attempt: number, baseMs = 200, capMs = 10_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
