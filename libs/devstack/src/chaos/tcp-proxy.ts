import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/** Loopback only: fault tests must never send anything off this machine. */
const LOOPBACK = '127.0.0.1';

export interface TcpProxyOptions {
  /** Port to listen on (0: the OS picks one). */
  listenPort: number;
  /** Port on 127.0.0.1 that every accepted connection is forwarded to. */
  targetPort: number;
}

export interface TcpProxyStats {
  connections: number;
  open: number;
  bytesForwarded: number;
  bytesHeld: number;
}

export interface TcpProxy {
  readonly port: number;
  /** Delay added to every chunk in each direction (one way), from now on. */
  setLatency(ms: number): void;
  /**
   * On: connections are still accepted, but no byte moves in either direction (held, in
   * order, as a network partition holds unacknowledged TCP segments). Off: the held bytes
   * flow again, unless an end gave up and closed its connection meanwhile.
   */
  blackhole(on: boolean): void;
  stats(): TcpProxyStats;
  close(): Promise<void>;
}

/** Stop reading from a sender while this much is held for its peer. */
const HIGH_WATER = 4 * 1024 * 1024;

/**
 * A TCP proxy on loopback with injectable latency and a "blackhole" mode, for tests that put
 * it between one client and a server. Bytes keep their order: a chunk never overtakes an
 * earlier one of its direction, even when the latency is lowered.
 */
export async function startTcpProxy(opts: TcpProxyOptions): Promise<TcpProxy> {
  let latencyMs = 0;
  let holding = false;
  const stats: TcpProxyStats = { connections: 0, open: 0, bytesForwarded: 0, bytesHeld: 0 };
  const lanes = new Set<Lane>();
  const sockets = new Set<Socket>();

  const server = createServer((client) => {
    stats.connections += 1;
    stats.open += 1;
    const upstream = connect({ host: LOOPBACK, port: opts.targetPort });
    sockets.add(client).add(upstream);
    const lanePair = [
      new Lane(
        client,
        upstream,
        stats,
        () => latencyMs,
        () => holding,
      ),
      new Lane(
        upstream,
        client,
        stats,
        () => latencyMs,
        () => holding,
      ),
    ];
    for (const lane of lanePair) lanes.add(lane);
    let closed = false;
    const closeBoth = (): void => {
      if (closed) return;
      closed = true;
      stats.open -= 1;
      for (const lane of lanePair) {
        lane.drop();
        lanes.delete(lane);
      }
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      socket.on('error', closeBoth);
      socket.on('close', closeBoth);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.listenPort, LOOPBACK, () => resolve());
  });

  return {
    port: (server.address() as AddressInfo).port,
    setLatency: (ms) => {
      latencyMs = Math.max(0, ms);
    },
    blackhole: (on) => {
      holding = on;
      if (!on) for (const lane of lanes) lane.pump();
    },
    stats: () => ({ ...stats }),
    close: async () => {
      const closing = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closing;
    },
  };
}

/** One direction of one connection: a FIFO of chunks, each released at its due time. */
class Lane {
  private readonly queue: { chunk: Buffer; due: number }[] = [];
  private queued = 0;
  private timer?: NodeJS.Timeout;
  private ended = false;

  constructor(
    private readonly from: Socket,
    private readonly to: Socket,
    private readonly stats: TcpProxyStats,
    private readonly latency: () => number,
    private readonly holding: () => boolean,
  ) {
    from.on('data', (chunk: Buffer) => {
      this.queue.push({ chunk, due: Date.now() + this.latency() });
      this.queued += chunk.length;
      this.stats.bytesHeld += chunk.length;
      if (this.queued > HIGH_WATER) from.pause();
      this.pump();
    });
    from.on('end', () => {
      this.ended = true;
      this.pump();
    });
  }

  pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.holding()) return;
    const now = Date.now();
    while (this.queue.length > 0 && this.queue[0]!.due <= now) {
      const { chunk } = this.queue.shift()!;
      this.queued -= chunk.length;
      this.stats.bytesHeld -= chunk.length;
      this.stats.bytesForwarded += chunk.length;
      if (!this.to.destroyed) this.to.write(chunk);
    }
    if (this.queued <= HIGH_WATER && this.from.isPaused()) this.from.resume();
    const head = this.queue[0];
    if (head) this.timer = setTimeout(() => this.pump(), head.due - now);
    else if (this.ended && !this.to.destroyed) this.to.end();
  }

  drop(): void {
    clearTimeout(this.timer);
    this.stats.bytesHeld -= this.queued;
    this.queue.length = 0;
    this.queued = 0;
  }
}
