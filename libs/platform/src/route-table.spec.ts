import { describe, expect, it } from 'vitest';

import { RouteTable } from './route-table.js';

describe('RouteTable', () => {
  const routes = new RouteTable();
  routes.add('GET', '/orders/:id');
  routes.add('HEAD', '/orders/:id');
  routes.add('POST', '/orders');
  routes.add(['POST'], '/orders/:id/cancel');
  routes.add('GET', '/admin/dead-letters/:id');
  routes.add('POST', '/admin/dead-letters/redrive');
  routes.add('GET', '/docs/*');

  it('lists the methods of the routes matching a path, HEAD with GET', () => {
    expect(routes.allowedMethods('/orders/7')).toEqual(['GET', 'HEAD']);
    expect(routes.allowedMethods('/orders')).toEqual(['POST']);
    expect(routes.allowedMethods('/orders/')).toEqual(['POST']);
    expect(routes.allowedMethods('/orders/7/cancel')).toEqual(['POST']);
    expect(routes.allowedMethods('/docs/swagger-ui.css')).toEqual(['GET', 'HEAD']);
  });

  it('lets a concrete path win over a template that also matches it', () => {
    expect(routes.allowedMethods('/admin/dead-letters/redrive')).toEqual(['POST']);
    expect(routes.allowedMethods('/admin/dead-letters/0:12')).toEqual(['GET', 'HEAD']);
  });

  it('finds nothing for a path no route serves', () => {
    expect(routes.allowedMethods('/nothing-here')).toEqual([]);
    expect(routes.allowedMethods('/orders/7/refund')).toEqual([]);
  });

  it('ignores a route registered twice', () => {
    const twice = new RouteTable();
    twice.add('POST', '/orders');
    twice.add('POST', '/orders');
    expect(twice.allowedMethods('/orders')).toEqual(['POST']);
  });
});
