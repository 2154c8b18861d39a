import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';

import { httpGet } from './http-get.js';

/** A server that resets the connection of the first `resets` requests, then answers. */
async function serverResetting(
  resets: number,
  status = 200,
): Promise<{ url: string; seen: () => number; server: Server }> {
  let seen = 0;
  const server = createServer((req, res) => {
    seen += 1;
    if (seen <= resets) {
      req.socket.resetAndDestroy();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/x`, seen: () => seen, server };
}

describe('httpGet', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  it('sends a GET again when the connection is reset before any response', async () => {
    const s = await serverResetting(1);
    server = s.server;
    const res = await httpGet(s.url);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(s.seen()).toBe(2);
  });

  it('gives up after three resets, so a service that is down still fails the check', async () => {
    const s = await serverResetting(10);
    server = s.server;
    await expect(httpGet(s.url)).rejects.toThrow(TypeError);
    expect(s.seen()).toBe(3);
  });

  it('returns an HTTP error status as it is, without asking again', async () => {
    const s = await serverResetting(0, 404);
    server = s.server;
    expect((await httpGet(s.url)).status).toBe(404);
    expect(s.seen()).toBe(1);
  });
});
