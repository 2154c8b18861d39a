/** How many times a GET is sent when no response comes back at all. */
const ATTEMPTS = 3;

/**
 * GET for the checks that read a running system (auditor, nemesis, chaos tallies). A request
 * that dies before any response (ECONNRESET, "other side closed": fetch rejects with a
 * TypeError) is sent again: Node's fetch can hand a request to a keep-alive socket the server
 * is closing at that very moment (nodejs/undici#3141, the server's 5 s keep-alive timeout),
 * and a loaded machine makes that likely. A GET is safe to repeat. A service that is really
 * down fails every attempt and the error comes through; any HTTP status is an answer and is
 * returned as it is.
 */
export async function httpGet(
  url: string,
  init: { headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Response> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fetch(url, {
        headers: init.headers,
        signal: init.timeoutMs === undefined ? undefined : AbortSignal.timeout(init.timeoutMs),
      });
    } catch (error) {
      if (!(error instanceof TypeError) || attempt >= ATTEMPTS) throw error;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}
