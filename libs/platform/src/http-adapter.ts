import { FastifyAdapter } from '@nestjs/platform-fastify';

import { traceRequests } from './request-tracing.js';
import { RouteTable } from './route-table.js';

/** What JSON bodies above this many bytes get: a 413. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

/**
 * The HTTP server every service runs on: Fastify, which costs about half the CPU of Express
 * per request (ADR 0010). Set up to answer what the Express server answered before it: JSON
 * bodies only (a body of another type is not read, as body-parser left it), trailing slashes
 * ignored, path parameters without a length cap (Fastify's default 100 would answer 414).
 * `routes` collects every route the app registers, for the 405 answers.
 */
export function createHttpAdapter(opts: { bodyLimit?: number } = {}): {
  adapter: FastifyAdapter;
  routes: RouteTable;
} {
  const adapter = new FastifyAdapter({
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 16_384 },
  });
  const instance = adapter.getInstance();
  instance.removeContentTypeParser('text/plain');
  instance.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  const routes = new RouteTable();
  instance.addHook('onRoute', (route) => routes.add(route.method, route.url));
  traceRequests(instance);
  return { adapter, routes };
}
