import { Injectable, type NestMiddleware } from '@nestjs/common';
import { ROOT_CONTEXT, SpanKind, context, propagation, trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';

/** A server span per request, child of the caller's `traceparent` when it sent one. */
@Injectable()
export class TracingMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction): void {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = trace
      .getTracer('orderlog-http')
      .startSpan(`${req.method} ${req.path}`, { kind: SpanKind.SERVER }, parent);
    const active = trace.setSpan(parent, span);
    const carrier: Record<string, string> = {};
    propagation.inject(active, carrier);
    if (carrier.traceparent) res.setHeader('traceparent', carrier.traceparent);
    res.on('finish', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      span.end();
    });
    context.with(active, next);
  }
}
