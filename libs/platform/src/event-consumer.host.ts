import { writeSync } from 'node:fs';

import {
  EventConsumer,
  backoffDelay,
  sleep,
  watchConsumerLag,
  type AppliedRecord,
  type ApplyResult,
  type DeadLetterRecord,
  type EventHandlers,
} from '@app/messaging';
import type { EventEnvelope } from '@app/contracts';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { PinoLogger } from 'nestjs-pino';
import type { DataSource, EntityManager } from 'typeorm';

export interface ConsumerSpec {
  groupId: string;
  topics: string[];
  deadLetterTopic: string;
  handlers: EventHandlers;
  /** See EventConsumerOptions.contendedKeys. */
  contendedKeys?: (event: EventEnvelope) => readonly string[];
  /** See EventConsumerOptions.beforeCommit. */
  beforeCommit?: (manager: EntityManager) => Promise<void>;
}

/**
 * Runs one EventConsumer for the life of the process. Start-up does not wait for the broker:
 * the HTTP API comes up (readiness says whether Kafka answers) and the consumer joins its
 * group as soon as it can.
 */
export abstract class EventConsumerHost
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private consumer?: EventConsumer;
  private stopping = false;
  private paused = false;
  private stopAt?: ReadonlyMap<string, bigint>;
  private starting?: Promise<void>;

  protected constructor(
    private readonly kafka: Kafka,
    private readonly dataSource: DataSource,
    private readonly logger: PinoLogger,
  ) {}

  protected abstract spec(): ConsumerSpec;

  get groupId(): string {
    return this.spec().groupId;
  }

  get topics(): string[] {
    return this.spec().topics;
  }

  get deadLetterTopic(): string {
    return this.spec().deadLetterTopic;
  }

  /** Applies dead letters again through this consumer's own path (inbox, handlers). */
  async redrive(records: DeadLetterRecord[]): Promise<{ id: string; result: ApplyResult }[]> {
    const consumer = new EventConsumer({
      kafka: this.kafka,
      dataSource: this.dataSource,
      log: this.logger.logger,
      ...this.spec(),
    });
    const results: { id: string; result: ApplyResult }[] = [];
    // One at a time, in log order: records of one order keep their order.
    for (const record of records) {
      results.push({
        id: record.id,
        result: await consumer.redrive(record.message, record.source),
      });
    }
    return results;
  }

  onApplicationBootstrap(): void {
    const spec = this.spec();
    watchConsumerLag(this.kafka, spec.groupId, spec.topics);
    this.starting = this.startWithRetry();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.starting;
    await this.consumer?.stop();
  }

  /** kafkajs will not restart this consumer by itself: replace it, never stop consuming. */
  private async restart(crashed: EventConsumer): Promise<void> {
    if (this.stopping || this.paused || this.consumer !== crashed) return;
    this.consumer = undefined;
    await crashed.stop();
    this.starting = this.startWithRetry();
    await this.starting;
  }

  /** Leaves the group after finishing (and committing) the records in hand. */
  async stopConsuming(): Promise<void> {
    this.paused = true;
    await this.starting;
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.stop();
  }

  /**
   * Joins the group again, from its committed offsets; with `stopAt`, it processes only up
   * to those offsets (see EventConsumerOptions.stopAt).
   */
  resumeConsuming(stopAt?: ReadonlyMap<string, bigint>): Promise<void> {
    this.paused = false;
    this.stopAt = stopAt;
    this.starting = this.startWithRetry();
    return this.starting;
  }

  private async startWithRetry(): Promise<void> {
    const spec = this.spec();
    for (let attempt = 1; !this.stopping && !this.paused; attempt += 1) {
      const consumer = new EventConsumer({
        kafka: this.kafka,
        dataSource: this.dataSource,
        log: this.logger.logger,
        ...spec,
        stopAt: this.stopAt,
        onFatalCrash: () => void this.restart(consumer),
        afterApplyBeforeCommit: consumerCrashFailpoint(),
      });
      try {
        await consumer.start();
        this.consumer = consumer;
        this.logger.info({ groupId: spec.groupId, topics: spec.topics }, 'consumer started');
        return;
      } catch (error) {
        await consumer.stop();
        this.logger.warn({ err: error, attempt }, 'consumer could not start; retrying');
        await sleep(backoffDelay(attempt, 500, 10_000));
      }
    }
  }
}

/** Records applied by this process's consumers, for the failpoint below. */
let appliedInProcess = 0;

/**
 * FAULT_CONSUMER_CRASH_AFTER_APPLY=n makes the process die (SIGKILL) right after the n-th
 * record it applied (1: the first) committed its transaction and before its offset is
 * committed: the crash window in which the broker redelivers records whose effects are
 * already in, which the inbox must recognise as duplicates. The record is written to stdout
 * first (synchronously) so a test can find it. Off unless set; tests only.
 */
function consumerCrashFailpoint(): ((record: AppliedRecord) => void) | undefined {
  const n = Number(process.env.FAULT_CONSUMER_CRASH_AFTER_APPLY ?? 0);
  if (!Number.isInteger(n) || n < 1) return undefined;
  return (record) => {
    appliedInProcess += 1;
    if (appliedInProcess < n) return;
    writeSync(
      1,
      `${JSON.stringify({ failpoint: 'FAULT_CONSUMER_CRASH_AFTER_APPLY', ...record })}\n`,
    );
    process.kill(process.pid, 'SIGKILL');
  };
}
