import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One field a request got wrong, with what is wrong with it. */
export class FieldProblemResponse {
  @ApiProperty({ example: 'items.0.quantity' }) field!: string;
  @ApiProperty({ type: [String], example: ['quantity must not be less than 1'] })
  problems!: string[];
}

/**
 * The body of every error answer (4xx and 5xx). Some errors add fields of their own (a 409
 * names the transition it refused), so further properties are allowed.
 */
export class ErrorResponse {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty({ example: 'Request validation failed' }) message!: string;
  @ApiPropertyOptional({ type: [FieldProblemResponse], description: 'present on 400s' })
  fields?: FieldProblemResponse[];
}
