import { writeSync } from 'node:fs';

import type { ConsumerHooks } from '@app/messaging';

/** Records applied by this process's consumers, for the failpoint below. */
let appliedInProcess = 0;

/**
 * FAULT_CONSUMER_CRASH_AFTER_APPLY=n makes the process die (SIGKILL) right after the n-th
 * record it applied (1: the first) committed its transaction and before its offset is
 * committed: the crash window in which the broker redelivers records whose effects are
 * already in, which the inbox must recognise as duplicates. The record is written to stdout
 * first (synchronously) so a test can find it. Off unless set; tests only.
 */
export function consumerCrashFailpoint(): ConsumerHooks['afterCommit'] {
  const n = Number(process.env.FAULT_CONSUMER_CRASH_AFTER_APPLY ?? 0);
  if (!Number.isInteger(n) || n < 1) return undefined;
  return (records) => {
    for (const record of records) {
      appliedInProcess += 1;
      if (appliedInProcess < n) continue;
      writeSync(
        1,
        `${JSON.stringify({ failpoint: 'FAULT_CONSUMER_CRASH_AFTER_APPLY', ...record })}\n`,
      );
      process.kill(process.pid, 'SIGKILL');
    }
  };
}
