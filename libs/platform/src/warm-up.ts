import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyInstance } from 'fastify';
import { DataSource } from 'typeorm';

import { EventTransport } from './event-transport.js';
import { OutboxRelayHost } from './outbox-relay.host.js';
import type { RouteTable } from './route-table.js';

/** Marks the warm-up's own requests (not logged as traffic). */
export const WARM_UP_HEADER = 'x-warm-up';

/** Connections the pool opens before the service says it is ready, and keeps. */
export const WARM_CONNECTIONS = 4;

/** Operational routes, and admin ones whose GETs read whole topics: not warmed. */
const SKIPPED = /^\/(admin|docs|health|metrics)/;

/**
 * What makes the first orders after start as fast as the rest, and what readiness waits
 * for: database connections open in the pool, each API route run once in-process (Fastify's
 * route, the validation pipe, the handler's first query: the code V8 compiles on first use),
 * the consumer in its group with a first fetch done, and the relay's producer connected.
 * The warm-up requests cannot change anything: path parameters are fresh UUIDs (a 404) and
 * POST bodies are `{}` (a 400, or a 404 for the cancel of an unknown order).
 */
@Injectable()
export class WarmUp {
  private httpWarm = false;

  constructor(
    private readonly moduleRef: ModuleRef,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async run(server: FastifyInstance, routes: RouteTable): Promise<void> {
    try {
      await this.warm(server, routes);
    } finally {
      // A failure here (the database went away) is for the database check to report.
      this.httpWarm = true;
    }
  }

  private async warm(server: FastifyInstance, routes: RouteTable): Promise<void> {
    await Promise.all(
      Array.from({ length: WARM_CONNECTIONS }, () => this.dataSource.query('SELECT 1')),
    );
    for (const { method, url } of routes.list()) {
      if ((method !== 'GET' && method !== 'POST') || SKIPPED.test(url)) continue;
      await server.inject({
        method,
        url: url.replace(/:[^/]+/g, () => randomUUID()),
        headers: {
          [WARM_UP_HEADER]: '1',
          ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
        },
        ...(method === 'POST' ? { payload: '{}' } : {}),
      });
    }
  }

  /** What is not warm yet; empty once everything is. */
  pending(): string[] {
    const pending: string[] = [];
    if (!this.httpWarm) pending.push('http routes');
    if (this.optional(EventTransport)?.warm === false) pending.push('consumer');
    if (this.optional(OutboxRelayHost)?.warm === false) pending.push('outbox relay');
    return pending;
  }

  private optional<T>(type: new (...args: never[]) => T): T | undefined {
    try {
      return this.moduleRef.get(type, { strict: false });
    } catch {
      return undefined;
    }
  }
}
