import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

import { ErrorResponse } from './error.response.js';

const MEANING: Record<number, string> = {
  400: 'The request is malformed or fails validation; `fields` names what is wrong',
  401: 'No valid bearer token (Authorization: Bearer <ADMIN_TOKEN>)',
  404: 'No such resource (yet)',
  409: 'The request conflicts with the current state',
  413: 'The JSON body is larger than this service accepts',
  422: 'The Idempotency-Key was used before with a different body',
  503: 'A dependency (the database) is unavailable; retry after Retry-After seconds',
};

/** Documents error answers of an operation (or of every operation of a controller). */
export const ApiErrors = (...statuses: number[]): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: MEANING[status], type: ErrorResponse }),
    ),
  );
