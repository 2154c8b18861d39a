import { readFileSync } from 'node:fs';

export interface CrashedRecord {
  topic: string;
  partition: number;
  offset: string;
  eventId: string;
  eventType: string;
}

/** The record an instance was handling when FAULT_CONSUMER_CRASH_AFTER_APPLY killed it. */
export function crashedRecordIn(logFile: string): CrashedRecord {
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('"failpoint":"FAULT_CONSUMER_CRASH_AFTER_APPLY"')) continue;
    return JSON.parse(line) as CrashedRecord;
  }
  throw new Error(`no FAULT_CONSUMER_CRASH_AFTER_APPLY line in ${logFile}`);
}
