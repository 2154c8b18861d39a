import { createServer } from 'node:net';

import { describe, expect, it } from 'vitest';

import { candidatePorts, ephemeralRange, freePort } from './free-port.js';

describe('freePort', () => {
  it('draws below the ephemeral range, where no outgoing connection takes a port', async () => {
    const { low } = ephemeralRange();
    const { low: first, high: last } = candidatePorts();
    expect(last).toBe(low - 1);
    for (let i = 0; i < 20; i += 1) {
      const port = await freePort();
      expect(port).toBeGreaterThanOrEqual(first);
      expect(port).toBeLessThan(low);
    }
  });

  it('gives a port a server can then listen on', async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });

  it("reads the kernel's range, and falls back to Linux's default", () => {
    expect(ephemeralRange(() => '10000\t20000\n')).toEqual({ low: 10_000, high: 20_000 });
    expect(ephemeralRange(() => 'garbage')).toEqual({ low: 32_768, high: 60_999 });
    expect(
      ephemeralRange(() => {
        throw new Error('ENOENT');
      }),
    ).toEqual({ low: 32_768, high: 60_999 });
    expect(candidatePorts({ low: 5_000, high: 6_000 })).toEqual({ low: 1_024, high: 4_999 });
  });
});
