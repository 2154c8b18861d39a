import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { viewsChecksum } from '../queries/checksum.js';
import { ReplayService } from '../replay/replay.service.js';
import { AdminTokenGuard } from '@app/platform';
import { ReplayRequest } from './replay.request.js';

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('admin')
export class AdminController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly replay: ReplayService,
  ) {}

  /** A deterministic checksum of the view tables (equal views, equal checksums). */
  @Get('checksum')
  checksum() {
    return viewsChecksum(this.dataSource);
  }

  @Get('replay')
  replayStatus() {
    return this.replay.current();
  }

  /** Starts a replay and answers at once (202); poll GET /admin/replay. 409 if one runs. */
  @Post('replay')
  @HttpCode(202)
  startReplay(@Body() body: ReplayRequest) {
    return body.mode === 'rebuild'
      ? this.replay.startRebuild({ swap: body.swap ?? true })
      : this.replay.startFromDatetime(new Date(body.toDatetime!));
  }
}
