import { Injectable, type NestMiddleware } from '@nestjs/common';
import { ROOT_CONTEXT, SpanKind, context, propagation, trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';

/**
 * A server span per request, child of the caller's `traceparent` when it sent one. It is named
 * after the matched route (`GET /orders/:orderId`), known only once routing is done, so that
 * names stay few; the concrete path is an attribute.
 */
@Injectable()
export class TracingMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction): void {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    // Middleware is mounted, so `req.path` is relative to the mount point; originalUrl is not.
    const path = req.originalUrl.split('?')[0] ?? '/';
    const span = trace.getTracer('orderlog-http').startSpan(
      req.method,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': req.method, 'url.path': path },
      },
      parent,
    );
    const active = trace.setSpan(parent, span);
    const carrier: Record<string, string> = {};
    propagation.inject(active, carrier);
    if (carrier.traceparent) res.setHeader('traceparent', carrier.traceparent);
    res.on('finish', () => {
      const route = (req.route as { path?: unknown } | undefined)?.path;
      if (typeof route === 'string') {
        span.updateName(`${req.method} ${route}`);
        span.setAttribute('http.route', route);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      span.end();
    });
    context.with(active, next);
  }
}
