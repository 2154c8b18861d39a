import { describe, expect, it } from 'vitest';

import { readConsoleConfig } from './console-config.js';

describe('readConsoleConfig', () => {
  it("defaults to npm start's addresses: the console on 3004, the services on 3001-3003", () => {
    expect(readConsoleConfig({})).toMatchObject({
      port: 3004,
      sloSeconds: 2,
      services: {
        'order-service': ['http://127.0.0.1:3001'],
        'payment-service': ['http://127.0.0.1:3002'],
        'read-model': ['http://127.0.0.1:3003'],
      },
    });
  });

  it("reads every instance of a service from the topology's URL variable, comma-separated", () => {
    const config = readConsoleConfig({
      PORT: '4004',
      ORDER_SERVICE_URL: 'http://order-1:3001/, http://order-2:3001',
    });
    expect(config.port).toBe(4004);
    expect(config.services['order-service']).toEqual([
      'http://order-1:3001',
      'http://order-2:3001',
    ]);
  });

  it('refuses a PORT that is no TCP port', () => {
    expect(() => readConsoleConfig({ PORT: 'eighty' })).toThrow(/PORT must be a TCP port/);
  });
});
