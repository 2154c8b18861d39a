import { ADMIN_ROUTES } from '@app/contracts';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { describe, expect, it } from 'vitest';

import { AdminController } from '../apps/read-model/src/api/admin.controller.js';
import { DeadLettersController } from '../libs/platform/src/dead-letters.controller.js';

/** A controller's route prefix joined with one of its handlers' paths, as Nest mounts it. */
function routeOf(controller: object, handler?: string): string {
  const prefix = Reflect.getMetadata(PATH_METADATA, controller) as string;
  const method = handler
    ? (Reflect.getMetadata(
        PATH_METADATA,
        (controller as { prototype: Record<string, object> }).prototype[handler]!,
      ) as string)
    : '/';
  return `/${prefix}/${method}`.replaceAll(/\/+/g, '/').replace(/\/$/, '');
}

describe('Admin routes named in the topology', () => {
  it('are where the dead-letter controller every consumer mounts serves them', () => {
    expect(routeOf(DeadLettersController)).toBe(ADMIN_ROUTES.deadLetters);
  });

  it('are where the read model serves its replay', () => {
    expect(routeOf(AdminController, 'replayStatus')).toBe(ADMIN_ROUTES.replay);
  });
});
