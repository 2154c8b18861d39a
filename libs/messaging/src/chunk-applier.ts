import { decodeEvent, type DomainEvent } from '@app/contracts';
import type { KafkaMessage } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';

import type { ConsumerHooks } from './consumer-hooks.js';
import { classifyFailure, reasonOf } from './errors.js';
import type { EventContext, EventRoute, EventRoutes } from './event-route.js';
import { freshIds, inboxInsert } from './inbox.js';
import { messagingMetrics as m } from './metrics.js';
import { lockStatement } from './ordered-locks.js';
import { inPipelinedTransaction, type OpeningStatement } from './pipelined-transaction.js';
import { inConsumerSpan } from './tracing.js';

export type Applied = 'applied' | 'duplicate' | 'skipped';

export type ChunkResult =
  | { ok: true; outcomes: Applied[] }
  | { ok: false; permanent: boolean; reason: string; detail: string; error?: unknown };

export interface ChunkApplierOptions {
  dataSource: DataSource;
  groupId: string;
  /** Inbox consumer name (the group id, unless a test says otherwise). */
  inboxName: string;
  routes: EventRoutes;
  hooks?: ConsumerHooks;
  /** A span and a commit-to-effect observation per record (EventConsumerOptions). */
  perRecordTelemetry?: boolean;
}

/** One chunk's transaction as its records' handlers share it. */
interface Transaction {
  manager: EntityManager;
  /** Event ids whose inbox rows this transaction inserted (taken by the first record). */
  fresh: Set<string>;
  /** Work the handlers deferred to just before COMMIT (EventContext.beforeCommit). */
  deferred: (() => Promise<void>)[];
  /** Work the handlers left for after COMMIT (EventContext.afterCommit). */
  committed: (() => void)[];
}

interface Decoded {
  message: KafkaMessage;
  event: DomainEvent;
  route: EventRoute | undefined;
}

/**
 * The one way records take effect: consecutive records of one partition (a single record is
 * a chunk of one) in ONE database transaction, each with its inbox row and its handler, so
 * that an effect and its "seen" mark commit together or not at all (ADR 0002). A duplicate
 * finds its inbox row and changes nothing. The contended keys of all records are locked
 * first, in one order; each distinct beforeCommit of the records' handlers runs last.
 * Nothing is counted or committed to Kafka here: a failed chunk leaves no trace, and the
 * caller decides (run its records one by one, dead-letter, retry).
 */
export class ChunkApplier {
  constructor(private readonly opts: ChunkApplierOptions) {}

  async apply(topic: string, partition: number, messages: KafkaMessage[]): Promise<ChunkResult> {
    const records: Decoded[] = [];
    for (const message of messages) {
      const decoded = decodeEvent(message.value);
      if (!decoded.ok) {
        return { ok: false, permanent: true, reason: decoded.reason, detail: decoded.detail };
      }
      const route = this.opts.routes.get(decoded.envelope.eventType);
      records.push({ message, event: decoded.envelope, route });
    }
    const handled = records.filter((r) => r.route !== undefined);
    if (handled.length === 0) return { ok: true, outcomes: records.map(() => 'skipped') };
    let outcomes: Applied[];
    const committed: (() => void)[] = [];
    try {
      // BEGIN, the owner's settings, the locks on the contended keys of all records (in one
      // order) and every inbox row of the chunk (whether a record is new is decided exactly
      // as one insert per record would: first occurrence wins) leave in one write.
      const locks = lockStatement(handled.flatMap((r) => r.route?.lockKeys?.(r.event) ?? []));
      const inbox = inboxInsert(
        this.opts.inboxName,
        handled.map((r) => ({
          envelope: r.event,
          origin: { topic, partition, offset: r.message.offset },
        })),
      );
      const opening: OpeningStatement[] = [...(this.opts.hooks?.openingStatements ?? [])];
      if (locks) opening.push(locks);
      // `handled` is not empty, so neither is the inbox insert; its rows say what is new.
      const inboxAt = opening.push(inbox!) - 1;
      outcomes = await inPipelinedTransaction(
        this.opts.dataSource,
        opening,
        async (manager, rows) => {
          const fresh = freshIds(rows[inboxAt] ?? []);
          const deferred: (() => Promise<void>)[] = [];
          const tx: Transaction = { manager, fresh, deferred, committed };
          const done: Applied[] = [];
          for (const record of records)
            done.push(await this.applyOne(tx, topic, partition, record));
          const finishers = new Set(handled.map((r) => r.route?.beforeCommit));
          for (const beforeCommit of finishers) await beforeCommit?.(manager);
          for (const work of deferred) await work();
          return done;
        },
      );
    } catch (error) {
      const failure = classifyFailure(error);
      if (messages.length === 1) m.handlerFailures.labels(this.opts.groupId, failure).inc();
      const permanent = failure === 'permanent';
      const reason = permanent ? reasonOf(error) : 'transient';
      return { ok: false, permanent, reason, detail: String(error), error };
    }
    for (const work of committed) work();
    this.afterCommit(topic, partition, records, outcomes);
    return { ok: true, outcomes };
  }

  /** The handler of a record whose inbox row is new, in the chunk's transaction and trace. */
  private async applyOne(
    { manager, fresh, deferred, committed }: Transaction,
    topic: string,
    partition: number,
    { message, event, route }: Decoded,
  ): Promise<Applied> {
    if (!route) return 'skipped';
    const { groupId } = this.opts;
    const work = async (headers: () => Record<string, string>): Promise<Applied> => {
      // Taken once: a second record with the same id in this chunk is a duplicate.
      if (!fresh.delete(event.eventId.toLowerCase())) return 'duplicate';
      const context: EventContext = {
        manager,
        topic,
        partition,
        offset: message.offset,
        groupId,
        get headers() {
          return headers();
        },
        beforeCommit: (work) => void deferred.push(work),
        afterCommit: (work) => void committed.push(work),
      };
      await route.handle(event, context);
      return 'applied';
    };
    // Without a span nothing needs the headers up front: read only if a handler asks.
    if (this.opts.perRecordTelemetry === false) return work(() => headerStrings(message));
    const headers = headerStrings(message);
    return inConsumerSpan(
      `${groupId} process ${event.eventType}`,
      headers,
      { 'messaging.destination.name': topic, 'messaging.message.id': event.eventId },
      () => work(() => headers),
    );
  }

  private afterCommit(topic: string, partition: number, records: Decoded[], outcomes: Applied[]) {
    const now = Date.now();
    const applied = records.filter((_, i) => outcomes[i] === 'applied');
    if (applied.length === 0) return;
    this.opts.hooks?.afterCommit?.(
      applied.map(({ message, event }) => ({
        topic,
        partition,
        offset: message.offset,
        eventId: event.eventId,
        eventType: event.eventType,
      })),
    );
    m.recordsPerTransaction.labels(this.opts.groupId).observe(records.length);
    if (this.opts.perRecordTelemetry === false) return;
    for (const { event } of applied) {
      m.commitToEffect
        .labels(this.opts.groupId, event.eventType)
        .observe(Math.max(0, now - Date.parse(event.occurredAt)) / 1000);
    }
  }
}

function headerStrings(message: KafkaMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value !== undefined) out[name] = Array.isArray(value) ? String(value[0]) : String(value);
  }
  return out;
}
