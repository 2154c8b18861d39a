import 'reflect-metadata';

import { ORDER_EVENTS_TOPIC, TOPOLOGY, type DomainEvent, type EventOf } from '@app/contracts';
import { PermanentError, type EventContext, type EventRoutes } from '@app/messaging';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  Ctx,
  EventPattern as NestEventPattern,
  Payload,
  Server,
  type CustomTransportStrategy,
} from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { EventPattern } from './event-pattern.decorator.js';
import { routesFromHandlers } from './event-routes.js';
import { EventsController } from './events-controller.decorator.js';

const seen: { event: DomainEvent; context: EventContext }[] = [];
const lockKeys = (event: EventOf<'OrderCreated'>) => [`customer:${event.payload.customerId}`];
const beforeCommit = (): Promise<void> => Promise.resolve();

@EventsController()
class OrdersHandlers {
  @EventPattern('OrderCreated', { lockKeys, beforeCommit })
  onCreated(@Payload() event: EventOf<'OrderCreated'>, @Ctx() context: EventContext) {
    seen.push({ event, context });
    return Promise.resolve();
  }

  @EventPattern('OrderCancelled')
  onCancelled(@Payload() event: EventOf<'OrderCancelled'>): Promise<void> {
    return Promise.reject(new PermanentError('payment-missing', `no payment ${event.aggregateId}`));
  }
}

/** A handler class that forgot @EventsController(): Nest's own RPC filter sees its errors. */
@Controller()
class PlainHandlers {
  @NestEventPattern<string>('OrderApproved')
  onApproved(): Promise<void> {
    return Promise.reject(new PermanentError('precondition', 'never'));
  }
}

@Module({ controllers: [OrdersHandlers, PlainHandlers] })
class HandlersModule {}

/** The smallest transport: it only turns Nest's handler registry into routes. */
class RoutesOnly extends Server implements CustomTransportStrategy {
  routes: EventRoutes = new Map();
  listen(callback: () => void): void {
    this.routes = routesFromHandlers(this.getHandlers());
    callback();
  }
  close(): void {}
  on(): void {}
  unwrap<T>(): T {
    return this.routes as T;
  }
}

const event = <K extends DomainEvent['eventType']>(eventType: K, payload: unknown) =>
  ({
    eventId: '00000000-0000-4000-8000-000000000001',
    eventType,
    schemaVersion: 1,
    aggregateId: 'o-1',
    sequence: 1,
    occurredAt: '2026-11-26T10:00:00.000Z',
    correlationId: 'o-1',
    causationId: null,
    payload,
  }) as EventOf<K>;

const context: EventContext = {
  manager: {} as EntityManager,
  topic: ORDER_EVENTS_TOPIC,
  partition: 2,
  offset: '17',
  headers: { traceparent: '00-abc-def-01' },
  groupId: TOPOLOGY['payment-service'].group,
  beforeCommit: () => undefined,
  afterCommit: () => undefined,
};

describe('routesFromHandlers: @EventPattern methods as the consumer runtime calls them', () => {
  const transport = new RoutesOnly();
  let close: () => Promise<void>;

  beforeAll(async () => {
    const app = await NestFactory.createMicroservice(HandlersModule, {
      strategy: transport,
      logger: false,
    });
    await app.listen();
    close = () => app.close();
  });
  afterAll(() => close?.());

  it('gives the handler the decoded event as @Payload() and the EventContext as @Ctx()', async () => {
    const created = event('OrderCreated', { orderId: 'o-1', customerId: 'c-9' });
    await transport.routes.get('OrderCreated')!.handle(created, context);
    expect(seen).toEqual([{ event: created, context }]);
  });

  it("carries the pattern's options: lock keys and beforeCommit", () => {
    const route = transport.routes.get('OrderCreated')!;
    expect(route.lockKeys?.(event('OrderCreated', { customerId: 'c-9' }))).toEqual([
      'customer:c-9',
    ]);
    expect(route.beforeCommit).toBe(beforeCommit);
    expect(transport.routes.get('OrderCancelled')!.lockKeys).toBeUndefined();
  });

  it('hands the runtime the very error a handler threw, so a PermanentError is dead-lettered', async () => {
    const failing = transport.routes
      .get('OrderCancelled')!
      .handle(event('OrderCancelled', { orderId: 'o-1' }), context);
    await expect(failing).rejects.toBeInstanceOf(PermanentError);
    await expect(failing).rejects.toMatchObject({ reason: 'payment-missing' });
  });

  it('turns an error hidden by Nest’s default filter into a plain Error (retried, never dead-lettered)', async () => {
    const failing = transport.routes
      .get('OrderApproved')!
      .handle(event('OrderApproved', { orderId: 'o-1' }), context);
    await expect(failing).rejects.not.toBeInstanceOf(PermanentError);
    await expect(failing).rejects.toThrow(/cause hidden by an RPC exception filter/);
  });

  it('has no route for an event type without a handler (the runtime skips those)', () => {
    expect([...transport.routes.keys()].sort()).toEqual([
      'OrderApproved',
      'OrderCancelled',
      'OrderCreated',
    ]);
  });
});
