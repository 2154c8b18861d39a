import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

/** The console's replay button: a rebuild of the read model from the earliest offset. */
export class ReplayStartRequest {
  @ApiPropertyOptional({
    description: 'replace the live views with the rebuilt ones (default true); false only compares',
  })
  @IsOptional()
  @IsBoolean()
  swap?: boolean;
}
