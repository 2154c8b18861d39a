import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';

import { LauncherError } from './ports.js';

const ATTEMPTS = 3;

/**
 * A broker answers a metadata request within a few seconds, or the launcher stops with one
 * line naming `variable`, the addresses and the last error. Used on KAFKA_BROKERS before
 * anything starts, and again before "all services ready".
 */
export async function assertKafkaAnswers(brokers: string[], variable: string): Promise<void> {
  const shown = `${variable}=${brokers.join(',')}`;
  if (brokers.length === 0) throw new LauncherError(`${shown}: no broker address given`);
  const started = Date.now();
  const admin = new Kafka({
    clientId: 'launcher-preflight',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: ATTEMPTS - 1, initialRetryTime: 300, maxRetryTime: 1000 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('the cluster reported no brokers');
  } catch (error) {
    throw new LauncherError(
      `${shown}: no Kafka broker answered a metadata request (${ATTEMPTS} attempts in ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s): ${rootCause(error)}`,
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** `SELECT 1` through DATABASE_URL, or one line naming it (password hidden) and the error. */
export async function assertDatabaseAnswers(url: string, variable: string): Promise<void> {
  let shown = url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    shown = parsed.toString();
  } catch {
    throw new LauncherError(`${variable}=${url}: not a URL (postgres://user:pass@host:port/db)`);
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  // A server that drops the connection later emits 'error' on the client: not a crash.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new LauncherError(
      `${variable}=${shown}: could not connect and run SELECT 1: ${rootCause(error)}`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** kafkajs wraps the socket error twice (retries exceeded > connection error > ECONNREFUSED). */
function rootCause(error: unknown): string {
  let current = error as { message?: string; originalError?: unknown; cause?: unknown };
  for (let depth = 0; depth < 5; depth += 1) {
    const inner = (current.originalError ?? current.cause) as typeof current | undefined;
    if (!inner || typeof inner !== 'object') break;
    current = inner;
  }
  const message = current.message ?? String(error);
  // AggregateError (IPv4 and IPv6 both refused) carries the codes, not the text.
  const code = (current as { code?: string }).code;
  return (message || code || String(error)).split('\n')[0]!;
}
