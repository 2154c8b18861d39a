import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsISO8601, IsOptional, ValidateIf } from 'class-validator';

export class ReplayRequest {
  @ApiProperty({
    enum: ['rebuild', 'from-datetime'],
    description:
      'rebuild: fresh views from the earliest offset, compared and swapped; from-datetime: re-apply from a timestamp',
  })
  @IsIn(['rebuild', 'from-datetime'])
  mode!: 'rebuild' | 'from-datetime';

  @ApiPropertyOptional({ description: 'ISO-8601 time, for from-datetime' })
  @ValidateIf((r: ReplayRequest) => r.mode === 'from-datetime')
  @IsISO8601({ strict: true })
  toDatetime?: string;

  @ApiPropertyOptional({ description: 'rebuild only: replace the live views (default true)' })
  @IsOptional()
  @IsBoolean()
  swap?: boolean;
}
