import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsOptional,
  IsString,
  Length,
  Matches,
} from 'class-validator';

/** Which dead letters to apply again: by id, by reason, or all of them. */
export class RedriveRequest {
  @ApiPropertyOptional({ type: [String], example: ['0:12'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @Matches(/^\d+:\d+$/, { each: true, message: 'each id is partition:offset' })
  ids?: string[];

  @ApiPropertyOptional({ example: 'unsupported-version' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  reason?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  all?: boolean;
}
