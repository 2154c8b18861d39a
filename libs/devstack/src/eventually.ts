/**
 * Polls `probe` until it returns without throwing (or returns a truthy value) and returns
 * its result; fails with the probe's last error after `timeoutMs`. Tests wait with this,
 * never with fixed sleeps.
 */
export async function eventually<T>(
  probe: () => Promise<T> | T,
  { timeoutMs = 30_000, intervalMs = 100, what = 'condition' } = {},
): Promise<Exclude<T, false | null | undefined>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = new Error(`${what} was never met`);
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== false && value !== undefined && value !== null) {
        return value as Exclude<T, false | null | undefined>;
      }
      lastError = new Error(`${what} was not met (probe returned ${String(value)})`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${describe(lastError)}`);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
