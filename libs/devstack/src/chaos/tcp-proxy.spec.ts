import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { eventually } from '../eventually.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

/** A loopback server that answers every chunk with the same bytes. */
async function echoServer(): Promise<Server> {
  const server = createServer((socket) => socket.on('data', (chunk) => socket.write(chunk)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** A client through the proxy that collects what comes back. */
async function client(port: number): Promise<{ socket: Socket; received: () => string }> {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { socket, received: () => text };
}

describe('TcpProxy', () => {
  let server: Server;
  let proxy: TcpProxy;
  const sockets: Socket[] = [];

  const setUp = async (): Promise<{ socket: Socket; received: () => string }> => {
    server = await echoServer();
    proxy = await startTcpProxy({
      listenPort: 0,
      targetPort: (server.address() as AddressInfo).port,
    });
    const c = await client(proxy.port);
    sockets.push(c.socket);
    return c;
  };

  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await proxy.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('forwards bytes both ways', async () => {
    const c = await setUp();
    c.socket.write('ping');
    await eventually(() => c.received() === 'ping', { timeoutMs: 2_000, what: 'the echo' });
    expect(proxy.stats()).toMatchObject({ connections: 1, open: 1, bytesForwarded: 8 });
  });

  it('adds its latency to each direction', async () => {
    const c = await setUp();
    proxy.setLatency(150);
    const sent = Date.now();
    c.socket.write('slow');
    await eventually(() => c.received() === 'slow', { timeoutMs: 3_000, what: 'the echo' });
    expect(Date.now() - sent).toBeGreaterThanOrEqual(300);
  });

  it('keeps the byte order when the latency is lowered', async () => {
    const c = await setUp();
    proxy.setLatency(300);
    c.socket.write('first,');
    proxy.setLatency(0);
    c.socket.write('second');
    await eventually(() => c.received().length === 12, { timeoutMs: 3_000, what: 'both echoes' });
    expect(c.received()).toBe('first,second');
  });

  it('holds every byte while blackholed and releases them in order afterwards', async () => {
    const c = await setUp();
    proxy.blackhole(true);
    c.socket.write('held-1,');
    c.socket.write('held-2');
    await eventually(() => proxy.stats().bytesHeld === 13, { timeoutMs: 2_000, what: 'held' });
    expect(c.received()).toBe('');
    proxy.blackhole(false);
    await eventually(() => c.received() === 'held-1,held-2', {
      timeoutMs: 2_000,
      what: 'the held bytes to flow',
    });
  });
});
