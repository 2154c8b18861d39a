import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  Equals,
  IsString,
  Length,
  Matches,
} from 'class-validator';

import { AbsentOrValid } from './absent-or-valid.decorator.js';
import { NO_NUL, NO_NUL_MESSAGE } from './no-nul.js';

/** Which dead letters to apply again: by id, by reason, or all of them. */
export class RedriveRequest {
  @ApiPropertyOptional({
    type: [String],
    example: ['0:12'],
    minItems: 1,
    maxItems: 1000,
    items: { type: 'string', pattern: '^\\d+:\\d+$' },
  })
  @AbsentOrValid()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @Matches(/^\d+:\d+$/, { each: true, message: 'each id is partition:offset' })
  ids?: string[];

  @ApiPropertyOptional({
    example: 'unsupported-version',
    minLength: 1,
    maxLength: 100,
    pattern: NO_NUL.source,
  })
  @AbsentOrValid()
  @IsString()
  @Length(1, 100)
  @Matches(NO_NUL, { message: NO_NUL_MESSAGE })
  reason?: string;

  @ApiPropertyOptional({ enum: [true], description: 'every dead letter; false is refused' })
  @AbsentOrValid()
  @Equals(true, { message: 'all must be true when given (leave it out otherwise)' })
  all?: boolean;
}
