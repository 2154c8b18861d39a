import { readDeadLetters, type DeadLetterRecord } from '@app/messaging';
import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBody,
  ApiExtraModels,
  ApiOkResponse,
  ApiQuery,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';

import { AdminOnly } from './admin-only.decorator.js';
import { ApiErrors } from './api-errors.decorator.js';
import { EventTransport } from './event-transport.js';
import { RedriveRequest } from './redrive.request.js';

/**
 * This service's dead letters: list, inspect, redrive. A redrive takes the normal consumer
 * path with its inbox, so redriving twice changes nothing; `applied` says whether the event
 * id is in this consumer's inbox (its effect is in).
 */
@ApiTags('admin')
@AdminOnly()
@ApiExtraModels(RedriveRequest)
@Controller('admin/dead-letters')
export class DeadLettersController {
  constructor(
    private readonly kafka: Kafka,
    private readonly consumer: EventTransport,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Get()
  @ApiQuery({ name: 'reason', required: false, description: 'only dead letters with this reason' })
  @ApiOkResponse({ description: "This service's dead letters" })
  async list(@Query('reason') reason?: string) {
    const records = (await this.read()).filter((r) => !reason || r.reason === reason);
    const applied = await this.appliedIds(records);
    return {
      topic: this.consumer.deadLetterTopic,
      items: records.map(({ message: _message, value: _value, ...summary }) => ({
        ...summary,
        applied: summary.eventId !== null && applied.has(summary.eventId),
      })),
    };
  }

  @Get(':id')
  @ApiOkResponse({ description: 'One dead letter with its payload' })
  @ApiErrors(404)
  async inspect(@Param('id') id: string) {
    const record = (await this.read()).find((r) => r.id === id);
    if (!record)
      throw new NotFoundException({
        statusCode: 404,
        error: 'Not Found',
        message: `no dead letter ${id}`,
      });
    const { message: _message, ...rest } = record;
    const applied = await this.appliedIds([record]);
    return { ...rest, applied: rest.eventId !== null && applied.has(rest.eventId) };
  }

  @Post('redrive')
  @HttpCode(200)
  @ApiBody({
    schema: {
      allOf: [{ $ref: getSchemaPath(RedriveRequest) }],
      minProperties: 1,
      description: 'say which dead letters: ids, reason, or all: true',
    },
  })
  @ApiOkResponse({ description: 'What happened to each chosen dead letter' })
  async redrive(@Body() body: RedriveRequest) {
    if (!body.all && !body.reason && !body.ids?.length) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'say which dead letters to redrive: ids, reason or all',
        fields: [{ field: 'ids', problems: ['one of ids, reason or all is required'] }],
      });
    }
    const chosen = (await this.read()).filter(
      (r) =>
        body.all ||
        (body.reason !== undefined && r.reason === body.reason) ||
        body.ids?.includes(r.id),
    );
    const results = await this.consumer.redrive(chosen);
    return {
      results: results.map(({ id, result }) =>
        result.outcome === 'failed'
          ? { id, outcome: 'failed', reason: result.reason, detail: result.detail }
          : { id, outcome: result.outcome },
      ),
    };
  }

  private read(): Promise<DeadLetterRecord[]> {
    return readDeadLetters(this.kafka, this.consumer.deadLetterTopic);
  }

  private async appliedIds(records: DeadLetterRecord[]): Promise<Set<string>> {
    const ids = records
      .map((r) => r.eventId)
      .filter((id): id is string => id !== null && /^[0-9a-f-]{36}$/i.test(id));
    if (ids.length === 0) return new Set();
    const rows = await this.dataSource.query<{ event_id: string }[]>(
      'SELECT event_id FROM inbox WHERE consumer = $1 AND event_id = ANY($2::uuid[])',
      [this.consumer.groupId, ids],
    );
    return new Set(rows.map((r) => r.event_id));
  }
}
