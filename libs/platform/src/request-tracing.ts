import {
  ROOT_CONTEXT,
  SpanKind,
  context,
  propagation,
  trace,
  type Context,
  type Span,
} from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';

interface Traced {
  span: Span;
  active: Context;
}

/**
 * A server span per request, child of the caller's `traceparent` when it sent one. It is named
 * after the matched route (`GET /orders/:id`), known only once routing is done, so that names
 * stay few; the concrete path is an attribute. The span's context is entered again right
 * before the handler (preHandler): reading the body is asynchronous and its callbacks carry
 * the socket's context, not the request's, so the context entered on arrival would not reach
 * the handler, and the outbox row it writes would start a trace of its own.
 */
export function traceRequests(instance: FastifyInstance): void {
  const tracer = trace.getTracer('orderlog-http');
  const traced = new WeakMap<FastifyRequest, Traced>();

  instance.addHook('onRequest', (request, reply, done) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer.startSpan(
      request.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'url.path': request.url.split('?')[0] ?? '/',
        },
      },
      parent,
    );
    const active = trace.setSpan(parent, span);
    traced.set(request, { span, active });
    const carrier: Record<string, string> = {};
    propagation.inject(active, carrier);
    if (carrier.traceparent) reply.header('traceparent', carrier.traceparent);
    context.with(active, done);
  });

  instance.addHook('preHandler', (request, _reply, done) => {
    const entry = traced.get(request);
    if (entry) context.with(entry.active, done);
    else done();
  });

  const end = (request: FastifyRequest, statusCode?: number): void => {
    const entry = traced.get(request);
    if (!entry) return;
    traced.delete(request);
    const route = request.is404 ? undefined : request.routeOptions.url;
    if (route) {
      entry.span.updateName(`${request.method} ${route}`);
      entry.span.setAttribute('http.route', route);
    }
    if (statusCode !== undefined) entry.span.setAttribute('http.response.status_code', statusCode);
    entry.span.end();
  };
  instance.addHook('onResponse', (request, reply, done) => {
    end(request, reply.statusCode);
    done();
  });
  instance.addHook('onRequestAbort', (request, done) => {
    end(request);
    done();
  });
}
