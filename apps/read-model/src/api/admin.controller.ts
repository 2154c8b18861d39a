import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { viewsChecksum } from '../queries/checksum.js';
import { ReplayService } from '../replay/replay.service.js';
import { AdminOnly, ErrorResponse } from '@app/platform';
import { ReplayRequest } from './replay.request.js';

@ApiTags('admin')
@AdminOnly()
@ApiExtraModels(ReplayRequest)
@Controller('admin')
export class AdminController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly replay: ReplayService,
  ) {}

  /** A deterministic checksum of the view tables (equal views, equal checksums). */
  @Get('checksum')
  @ApiResponse({ status: 200, description: 'The checksum and the number of orders' })
  checksum() {
    return viewsChecksum(this.dataSource);
  }

  @Get('replay')
  @ApiResponse({ status: 200, description: 'The current or last replay' })
  replayStatus() {
    return this.replay.current();
  }

  /** Starts a replay and answers at once (202); poll GET /admin/replay. 409 if one runs. */
  @Post('replay')
  @HttpCode(202)
  @ApiBody({
    schema: {
      allOf: [{ $ref: getSchemaPath(ReplayRequest) }],
      anyOf: [{ properties: { mode: { enum: ['rebuild'] } } }, { required: ['toDatetime'] }],
      description: 'toDatetime is required when mode is from-datetime',
    },
  })
  @ApiResponse({ status: 202, description: 'The replay started; poll GET /admin/replay' })
  @ApiResponse({ status: 409, description: 'A replay is already running', type: ErrorResponse })
  startReplay(@Body() body: ReplayRequest) {
    return body.mode === 'rebuild'
      ? this.replay.startRebuild({ swap: body.swap ?? true })
      : this.replay.startFromDatetime(new Date(body.toDatetime!));
  }
}
