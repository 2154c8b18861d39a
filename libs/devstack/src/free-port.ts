import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Linux's default when /proc cannot say. */
const DEFAULT_EPHEMERAL = { low: 32_768, high: 60_999 };
const SPAN = 12_000;

/** The range the kernel takes outgoing connections' local ports from. */
export function ephemeralRange(
  read: () => string = () => readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8'),
): { low: number; high: number } {
  try {
    const [low, high] = read().trim().split(/\s+/).map(Number);
    if (low && high && low <= high) return { low, high };
  } catch {
    // not Linux, or no /proc
  }
  return DEFAULT_EPHEMERAL;
}

/**
 * The ports freePort draws from: the span just below the ephemeral range. A port the OS
 * picks (listen on 0) lies inside that range, where any outgoing connection opened before
 * the server binds it (Kafka's nodes talking to each other, a pool's connections, the
 * service's own) may take it as its local port: the server then fails with EADDRINUSE.
 * No connect() ever takes a port below the range.
 */
export function candidatePorts(range = ephemeralRange()): { low: number; high: number } {
  const high = range.low - 1;
  return { low: Math.max(1_024, high - SPAN + 1), high };
}

/** A TCP port on 127.0.0.1 that nothing listens on now and no outgoing connection will take. */
export async function freePort(): Promise<number> {
  const { low, high } = candidatePorts();
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port found in ${low}-${high} after 100 tries`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
