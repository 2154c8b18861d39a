import { NO_NUL, NO_NUL_MESSAGE } from '@app/platform';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

import { CURSOR_PATTERN } from './cursor.js';

/** Query strings are strings: limit is checked as digits and parsed explicitly. */
export class ListOrdersQuery {
  @ApiPropertyOptional({ minLength: 1, maxLength: 64, pattern: NO_NUL.source })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(NO_NUL, { message: NO_NUL_MESSAGE })
  customerId?: string;

  @ApiPropertyOptional({ enum: ['PENDING', 'APPROVED', 'REJECTED', 'CANCELLED'] })
  @IsOptional()
  @IsIn(['PENDING', 'APPROVED', 'REJECTED', 'CANCELLED'])
  status?: string;

  @ApiPropertyOptional({ description: '1-100, default 20', pattern: '^(100|[1-9][0-9]?)$' })
  @IsOptional()
  @Matches(/^(100|[1-9][0-9]?)$/, { message: 'limit must be an integer from 1 to 100' })
  limit?: string;

  @ApiPropertyOptional({
    description: 'nextCursor of the previous page',
    pattern: CURSOR_PATTERN.source,
  })
  @IsOptional()
  @Matches(CURSOR_PATTERN, { message: 'cursor is not a cursor this API returned' })
  cursor?: string;
}
