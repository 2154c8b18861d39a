import type { BoundStatement, PreparedStatement } from './prepared.js';

// First key of the two-int advisory lock space reserved for consumers' row-group locks.
const CONSUMER_LOCK_SPACE = 727_002;

// unnest() yields the array in order and the function runs per row in that order.
const LOCK_IN_ORDER: PreparedStatement = {
  name: 'consumer-lock-in-order',
  text: 'SELECT pg_advisory_xact_lock($1, k) FROM unnest($2::int[]) AS k',
};

/**
 * The statement that takes transaction-scoped advisory locks on `keys` in one global order
 * (sorted hashes), to send first in a transaction (inPipelinedTransaction); undefined when
 * there is no key.
 * Consumers of different partitions can write the same rows (the read model's customer
 * summaries, payment-service's credit accounts); when a transaction applies several records
 * it would otherwise lock those rows in event order, and two such transactions can deadlock
 * (PostgreSQL then waits deadlock_timeout, 1 s, before aborting one). With every writer
 * taking its keys first, in the same order, they queue instead. A hash collision only makes
 * two unrelated keys wait for each other.
 */
export function lockStatement(keys: Iterable<string>): BoundStatement | undefined {
  const ids = [...new Set([...keys].map(hash32))].sort((a, b) => a - b);
  if (ids.length === 0) return undefined;
  // The array goes as its text literal (integers need no quoting): pg would quote and
  // escape each element in JS, for every key of a chunk.
  return { statement: LOCK_IN_ORDER, values: [CONSUMER_LOCK_SPACE, `{${ids.join(',')}}`] };
}

/** FNV-1a, as a signed 32-bit integer (PostgreSQL's int4). */
export function hash32(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}
