import express from 'express';
import { describe, expect, it } from 'vitest';

import { allowedMethods, type RouterLayer } from './allowed-methods.js';

describe('allowedMethods', () => {
  const app = express();
  const noop = (): void => undefined;
  // What Nest mounts for `forRoutes('*path')` middleware: one route answering every method.
  app.all('{/*splat}', noop);
  app.get('/orders/:id', noop);
  app.post('/orders', noop);
  app.post('/orders/:id/cancel', noop);
  app.get('/admin/dead-letters/:id', noop);
  app.post('/admin/dead-letters/redrive', noop);
  const stack = (app as unknown as { router: { stack: RouterLayer[] } }).router.stack;

  it('lists the methods of the routes matching a path, HEAD with GET', () => {
    expect(allowedMethods(stack, '/orders/7')).toEqual(['GET', 'HEAD']);
    expect(allowedMethods(stack, '/orders')).toEqual(['POST']);
    expect(allowedMethods(stack, '/orders/7/cancel')).toEqual(['POST']);
  });

  it('lets a concrete path win over a template that also matches it', () => {
    expect(allowedMethods(stack, '/admin/dead-letters/redrive')).toEqual(['POST']);
    expect(allowedMethods(stack, '/admin/dead-letters/0:12')).toEqual(['GET', 'HEAD']);
  });

  it('finds nothing for a path no endpoint serves, despite catch-all middleware', () => {
    expect(allowedMethods(stack, '/nothing-here')).toEqual([]);
  });
});
