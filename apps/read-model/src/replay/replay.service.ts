import {
  distance,
  endPositions,
  furthest,
  groupPositions,
  sleep,
  stopAtOffsets,
  type EventConsumer,
  type Positions,
} from '@app/messaging';
import { EventTransport } from '@app/platform';
import { ConflictException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Kafka, type Admin } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { DataSource, type EntityManager } from 'typeorm';

import {
  VIEW_TABLES,
  finishRebuiltTablesDdl,
  scratchViewTablesDdl,
} from '../infrastructure/view-tables.ddl.js';
import { chunkProjectionRoutes } from '../projections/chunk-projection.js';
import { CustomerTotals } from '../projections/customer-totals.js';
import { ViewStore } from '../projections/view-store.js';
import { viewsChecksum } from '../queries/checksum.js';
import { idleStatus, type ReplayStatus } from './replay-status.js';

const SCRATCH = 'rebuild';
/** Records folded per transaction by a rebuild (at most one fetched batch of a partition). */
const REBUILD_CHUNK = 2000;
const RETIRED = 'retired_views';
const SENTINEL = 'unlogged_sentinel';

/** Fails when PostgreSQL went through crash recovery since the rebuild began (see rebuild()). */
async function assertNoCrashSince(manager: EntityManager): Promise<void> {
  const rows = await manager.query<unknown[]>(`SELECT 1 FROM "${SCRATCH}".${SENTINEL}`);
  if (rows.length !== 1)
    throw new Error('PostgreSQL recovered from a crash during the rebuild; run it again');
}

/**
 * Re-processing as an operation (the seed's "core of recovery"), while the API keeps
 * answering from the live tables:
 * - rebuild: a second consumer group reads both topics from the earliest offset into fresh
 *   tables in a scratch schema; once it has nearly caught up, both groups are brought to
 *   exactly the same offsets, the two views' checksums are compared, and the fresh tables
 *   replace the live ones in one transaction. The live group then goes on from there.
 * - from-datetime: the live group's offsets go back to a timestamp and it re-applies from
 *   there through its inbox and sequence checks, so nothing is applied twice.
 * One read-model instance performs it (the live group must be this process alone).
 */
@Injectable()
export class ReplayService {
  private status: ReplayStatus = idleStatus();
  private running?: Promise<void>;

  constructor(
    private readonly kafka: Kafka,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly live: EventTransport,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext('replay');
  }

  private get topics(): string[] {
    return [...this.live.topics];
  }

  current(): ReplayStatus {
    return { ...this.status };
  }

  startRebuild(opts: { swap: boolean }): ReplayStatus {
    return this.begin('rebuild', (admin) => this.rebuild(admin, opts.swap));
  }

  startFromDatetime(at: Date): ReplayStatus {
    return this.begin('from-datetime', (admin) => this.fromDatetime(admin, at));
  }

  /** Resolves when the running replay (if any) has finished. */
  async settled(): Promise<ReplayStatus> {
    await this.running;
    return this.current();
  }

  private begin(
    mode: 'rebuild' | 'from-datetime',
    work: (admin: Admin) => Promise<void>,
  ): ReplayStatus {
    if (this.running)
      throw new ConflictException({
        statusCode: 409,
        error: 'Conflict',
        message: 'a replay is already running',
        status: this.current(),
      });
    this.status = {
      ...idleStatus(),
      mode,
      phase: 'preparing',
      startedAt: new Date().toISOString(),
    };
    const admin = this.kafka.admin();
    this.running = (async () => {
      try {
        await admin.connect();
        await work(admin);
        this.status.phase = 'done';
      } catch (error) {
        this.status.phase = 'failed';
        this.status.error = error instanceof Error ? error.message : String(error);
        this.logger.error({ err: error }, 'replay failed');
        await this.live.resumeConsuming().catch(() => undefined);
      } finally {
        this.status.finishedAt = new Date().toISOString();
        await admin.disconnect().catch(() => undefined);
        this.running = undefined;
      }
    })();
    return this.current();
  }

  private async rebuild(admin: Admin, swap: boolean): Promise<void> {
    const group = `${this.live.groupId}-rebuild-${Date.now()}`;
    await this.dataSource.transaction(async (m) => {
      await m.query(`DROP SCHEMA IF EXISTS "${SCRATCH}" CASCADE`);
      await m.query(`CREATE SCHEMA "${SCRATCH}"`);
      for (const statement of scratchViewTablesDdl(SCRATCH)) await m.query(statement);
      // The rebuild's own inbox, found before public.inbox through the search_path: its
      // dedupe is the same statement on a small fresh table, the live inbox neither grows
      // by a copy of the log nor needs a DELETE of it afterwards, and UNLOGGED skips the WAL
      // for rows that are dropped with the schema anyway.
      await m.query(
        `CREATE UNLOGGED TABLE "${SCRATCH}".inbox (LIKE public.inbox INCLUDING DEFAULTS, PRIMARY KEY (consumer, event_id))`,
      );
      // PostgreSQL empties unlogged tables when it recovers from a crash: the consumer would
      // go on with an empty inbox, and a later copy of an event it had already applied (a
      // relay re-send) would be applied again. This row is gone then too, and the rebuild
      // fails instead of comparing or swapping in views that count an event twice.
      await m.query(`CREATE UNLOGGED TABLE "${SCRATCH}".${SENTINEL} AS SELECT 1 AS intact`);
    });
    // The live consumer's own definition (topics, inbox, dead-letter routing), in a group of
    // its own, with the set-based handlers: a transaction folds a whole chunk of records
    // with the live fold (ADR 0006). Its transactions put the scratch schema first in the
    // search_path, so they write the fresh tables; dead letters were published by the live
    // group already.
    const heldTotals = new CustomerTotals();
    const scratch = (stopAt?: Positions): EventConsumer =>
      this.live.consumerFor({
        groupId: group,
        routes: chunkProjectionRoutes({ heldTotals }),
        maxRecordsPerTransaction: REBUILD_CHUNK,
        deadLettersAlreadyPublished: true,
        perRecordTelemetry: false,
        hooks: {
          stopAt: stopAt && stopAtOffsets(stopAt),
          openingStatements: [`SET LOCAL search_path TO "${SCRATCH}", public`],
        },
      });

    this.status.phase = 'catching-up';
    let rebuilding = scratch();
    await rebuilding.start();
    for (;;) {
      const behind = distance(
        await groupPositions(admin, group, this.topics),
        await endPositions(admin, this.topics),
      );
      this.status.behind = Number(behind);
      if (behind < 200n) break;
      await sleep(100);
    }

    // Same log position for both: stop both, take the furthest offsets per partition, let
    // each group process exactly up to them.
    this.status.phase = 'aligning';
    await Promise.all([this.live.stopConsuming(), rebuilding.stop()]);
    const target = furthest(
      await groupPositions(admin, this.live.groupId, this.topics),
      await groupPositions(admin, group, this.topics),
    );
    rebuilding = scratch(target);
    await Promise.all([this.live.resumeConsuming(target), rebuilding.start()]);
    await this.until(admin, [this.live.groupId, group], target);
    this.status.behind = 0;
    // Every transaction up to the target has committed: its customer counters are complete.
    await this.dataSource.transaction(async (m) => {
      await m.query(`SET LOCAL search_path TO "${SCRATCH}", public`);
      await new ViewStore().addTotals(m, heldTotals);
    });

    // Both groups stand at the target and apply nothing more (stopAt pauses a partition at
    // it), so the views can be compared while the consumers leave their groups: a leave
    // waits out a fetch's long poll (up to 500 ms) and changes no row.
    // Both are awaited whatever happens: a failed checksum must not leave a consumer leaving.
    // Tables that will be swapped in are made logged and indexed first (nothing writes them
    // any more), so what is compared is what goes live.
    this.status.phase = 'comparing';
    const [checksums, stopped] = await Promise.allSettled([
      assertNoCrashSince(this.dataSource.manager)
        .then(() => (swap ? this.finishScratchTables() : undefined))
        .then(() =>
          Promise.all([viewsChecksum(this.dataSource), viewsChecksum(this.dataSource, SCRATCH)]),
        ),
      Promise.all([this.live.stopConsuming(), rebuilding.stop()]),
    ]);
    if (stopped.status === 'rejected') throw stopped.reason;
    if (checksums.status === 'rejected') throw checksums.reason;
    const [live, rebuilt] = checksums.value;
    Object.assign(this.status, {
      liveChecksum: live.checksum,
      rebuiltChecksum: rebuilt.checksum,
      checksumsMatch: live.checksum === rebuilt.checksum,
      orders: rebuilt.orders,
    });
    if (swap) {
      // The log is the truth: a mismatch means the live views were wrong, and they are replaced.
      this.status.phase = 'swapping';
      await this.swap();
      this.status.swapped = true;
    }
    await this.live.resumeConsuming();
    await admin.deleteGroups([group]).catch(() => undefined);
    if (!swap) await this.dataSource.query(`DROP SCHEMA IF EXISTS "${SCRATCH}" CASCADE`);
  }

  /** The scratch tables as the live ones are: logged, with every index (see the DDL). */
  private async finishScratchTables(): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      for (const statement of finishRebuiltTablesDdl(SCRATCH)) await m.query(statement);
    });
  }

  private async swap(): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await assertNoCrashSince(m);
      await m.query(`DROP TABLE "${SCRATCH}".${SENTINEL}`);
      await m.query(`DROP TABLE "${SCRATCH}".inbox`);
      await m.query(`DROP SCHEMA IF EXISTS "${RETIRED}" CASCADE`);
      await m.query(`CREATE SCHEMA "${RETIRED}"`);
      for (const table of VIEW_TABLES)
        await m.query(`ALTER TABLE public.${table} SET SCHEMA "${RETIRED}"`);
      for (const table of VIEW_TABLES)
        await m.query(`ALTER TABLE "${SCRATCH}".${table} SET SCHEMA public`);
      await m.query(`DROP SCHEMA "${SCRATCH}"`);
    });
  }

  private async fromDatetime(admin: Admin, at: Date): Promise<void> {
    this.status.phase = 'resetting';
    await this.live.stopConsuming();
    for (const topic of this.topics) {
      const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, at.getTime());
      await admin.setOffsets({
        groupId: this.live.groupId,
        topic,
        partitions: offsets.map(({ partition, offset }) => ({ partition, offset })),
      });
    }
    this.status.phase = 'catching-up';
    await this.live.resumeConsuming();
    const target = await endPositions(admin, this.topics);
    await this.until(admin, [this.live.groupId], target);
    const views = await viewsChecksum(this.dataSource);
    Object.assign(this.status, { liveChecksum: views.checksum, orders: views.orders, behind: 0 });
  }

  private async until(admin: Admin, groups: string[], target: Positions): Promise<void> {
    for (;;) {
      let behind = 0n;
      for (const group of groups)
        behind += distance(await groupPositions(admin, group, this.topics), target);
      this.status.behind = Number(behind);
      if (behind === 0n) return;
      await sleep(50);
    }
  }
}
