/** Shapes of the services' admin answers that the page reads (more fields may come). */
export interface DeadLetterItem {
  id: string;
  reason: string;
  error: string;
  source: { topic: string; partition: number; offset: string };
  consumerGroup: string;
  failedAt: string;
  key: string | null;
  eventId: string | null;
  eventType: string | null;
  /** Its event id is in the consumer's inbox: its effect is in (after a redrive). */
  applied: boolean;
}

export interface RedriveAnswer {
  results: { id: string; outcome: string; reason?: string; detail?: string }[];
}

export interface ReplayStatus {
  mode: 'rebuild' | 'from-datetime' | null;
  phase: string;
  startedAt: string | null;
  finishedAt: string | null;
  behind: number | null;
  liveChecksum: string | null;
  rebuiltChecksum: string | null;
  checksumsMatch: boolean | null;
  swapped: boolean;
  orders: number | null;
  error: string | null;
}
