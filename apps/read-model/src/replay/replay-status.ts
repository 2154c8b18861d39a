export type ReplayPhase =
  | 'idle'
  | 'preparing'
  | 'catching-up'
  | 'aligning'
  | 'comparing'
  | 'swapping'
  | 'resetting'
  | 'done'
  | 'failed';

/** What GET /admin/replay shows about the last (or the running) replay. */
export interface ReplayStatus {
  mode: 'rebuild' | 'from-datetime' | null;
  phase: ReplayPhase;
  startedAt: string | null;
  finishedAt: string | null;
  /** Records the rebuild has still to read before it catches up (sampled). */
  behind: number | null;
  /** Checksums of the live and the rebuilt views at the same log position. */
  liveChecksum: string | null;
  rebuiltChecksum: string | null;
  checksumsMatch: boolean | null;
  swapped: boolean;
  orders: number | null;
  error: string | null;
}

export const idleStatus = (): ReplayStatus => ({
  mode: null,
  phase: 'idle',
  startedAt: null,
  finishedAt: null,
  behind: null,
  liveChecksum: null,
  rebuiltChecksum: null,
  checksumsMatch: null,
  swapped: false,
  orders: null,
  error: null,
});
