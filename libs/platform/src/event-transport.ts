import {
  EventConsumer,
  backoffDelay,
  sleep,
  stopAtOffsets,
  watchConsumerLag,
  type ApplyResult,
  type ConsumerDefinition,
  type ConsumerHooks,
  type DeadLetterRecord,
  type EventConsumerOptions,
  type EventRoutes,
} from '@app/messaging';
import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';

import { consumerCrashFailpoint } from './consumer-crash.failpoint.js';
import { routesFromHandlers } from './event-routes.js';

/** What a service consumes: its group, the topics it reads and its dead-letter topic. */
export type ConsumerSubscription = Omit<ConsumerDefinition, 'routes'>;
export const CONSUMER_SUBSCRIPTION = Symbol('ConsumerSubscription');

/**
 * A Nest transport strategy that runs our consumer runtime (ADR 0005): the service's
 * `@EventPattern` handlers become the consumer's routes, and one EventConsumer runs for the
 * life of the process. listen() does not wait for the broker: the HTTP API comes up
 * (readiness says whether Kafka answers) and the consumer joins its group as soon as it can,
 * and is replaced if kafkajs gives up on it.
 */
@Injectable()
export class EventTransport
  extends Server
  implements CustomTransportStrategy, BeforeApplicationShutdown
{
  private routes: EventRoutes = new Map();
  private consumer?: EventConsumer;
  private stopping = false;
  private paused = false;
  private hooks: ConsumerHooks = {};
  private starting?: Promise<void>;
  private warmed = false;

  constructor(
    private readonly kafka: Kafka,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly pino: PinoLogger,
    @Inject(CONSUMER_SUBSCRIPTION) readonly subscription: ConsumerSubscription,
  ) {
    super();
  }

  get groupId(): string {
    return this.subscription.groupId;
  }

  get topics(): readonly string[] {
    return this.subscription.topics;
  }

  get deadLetterTopic(): string {
    return this.subscription.deadLetterTopic;
  }

  listen(callback: () => void): void {
    this.routes = routesFromHandlers(this.getHandlers());
    watchConsumerLag(this.kafka, this.groupId, [...this.topics]);
    this.starting = this.startWithRetry();
    callback();
  }

  async close(): Promise<void> {
    this.stopping = true;
    await this.starting;
    await this.consumer?.stop();
    this.consumer = undefined;
  }

  /** Stops before the database closes (Nest disposes transports after this hook). */
  beforeApplicationShutdown(): Promise<void> {
    return this.close();
  }

  /** The consumer has been warm once since the process started (see EventConsumer.warm). */
  get warm(): boolean {
    this.warmed ||= this.consumer?.warm ?? false;
    return this.warmed;
  }

  on(): never {
    throw new Error('EventTransport has no events to listen to');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  /**
   * A consumer with this service's handlers and options, for another group (a rebuild):
   * the same definition the live consumer runs, with the caller's hooks.
   */
  consumerFor(opts: Partial<EventConsumerOptions> & { groupId: string }): EventConsumer {
    return new EventConsumer({
      kafka: this.kafka,
      dataSource: this.dataSource,
      log: this.pino.logger,
      ...this.subscription,
      routes: this.routes,
      ...opts,
    });
  }

  /** Applies dead letters again through this consumer's own path (inbox, handlers). */
  async redrive(records: DeadLetterRecord[]): Promise<{ id: string; result: ApplyResult }[]> {
    const consumer = this.consumerFor({ groupId: this.groupId });
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

  /** Leaves the group after finishing (and committing) the records in hand. */
  async stopConsuming(): Promise<void> {
    this.paused = true;
    await this.starting;
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.stop();
  }

  /** Joins the group again from its committed offsets; with `stopAt`, only up to them. */
  resumeConsuming(stopAt?: ReadonlyMap<string, bigint>): Promise<void> {
    this.paused = false;
    this.hooks = stopAt ? { stopAt: stopAtOffsets(stopAt) } : {};
    this.starting = this.startWithRetry();
    return this.starting;
  }

  private async startWithRetry(): Promise<void> {
    for (let attempt = 1; !this.stopping && !this.paused; attempt += 1) {
      const consumer = this.consumerFor({
        groupId: this.groupId,
        hooks: { ...this.hooks, afterCommit: consumerCrashFailpoint() },
      });
      try {
        await consumer.start();
        this.consumer = consumer;
        this.pino.info({ groupId: this.groupId, topics: this.topics }, 'consumer started');
        return;
      } catch (error) {
        await consumer.stop();
        this.pino.warn({ err: error, attempt }, 'consumer could not start; retrying');
        await sleep(backoffDelay(attempt, 500, 10_000));
      }
    }
  }
}
