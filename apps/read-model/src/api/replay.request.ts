import { AbsentOrValid } from '@app/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsRFC3339, ValidateIf } from 'class-validator';

export class ReplayRequest {
  @ApiProperty({
    enum: ['rebuild', 'from-datetime'],
    description:
      'rebuild: fresh views from the earliest offset, compared and swapped; from-datetime: re-apply from a timestamp',
  })
  @IsIn(['rebuild', 'from-datetime'])
  mode!: 'rebuild' | 'from-datetime';

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'RFC 3339 time; required for from-datetime, ignored by rebuild',
  })
  // Checked whenever present, so a rebuild's ignored toDatetime is still a date-time.
  @ValidateIf((r: ReplayRequest) => r.mode === 'from-datetime' || r.toDatetime !== undefined)
  @IsRFC3339()
  toDatetime?: string;

  @ApiPropertyOptional({ description: 'rebuild only: replace the live views (default true)' })
  @AbsentOrValid()
  @IsBoolean()
  swap?: boolean;
}
