import { UseGuards, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';

import { AdminTokenGuard } from './admin-token.guard.js';
import { ApiErrors } from './api-errors.decorator.js';

/** /admin routes: the bearer token is required, and the document says so (401). */
export const AdminOnly = (): ClassDecorator & MethodDecorator =>
  applyDecorators(UseGuards(AdminTokenGuard), ApiBearerAuth(), ApiErrors(401));
