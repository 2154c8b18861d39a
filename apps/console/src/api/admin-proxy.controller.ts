import { RedriveRequest } from '@app/platform';
import {
  Body,
  Controller,
  Get,
  Headers,
  NotFoundException,
  Param,
  Post,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

import { WATCHED_SERVICES, type WatchedService } from '../console-config.js';
import { AdminForwarder, type Forwarded } from './admin-forwarder.js';
import { ReplayStartRequest } from './replay-start.request.js';

/**
 * The page's admin actions, forwarded to the services' /admin APIs with the caller's
 * Authorization header; the service's status and body come back unchanged (401 included).
 */
@ApiTags('console admin (forwarded)')
@ApiBearerAuth()
@Controller('api/admin')
export class AdminProxyController {
  constructor(private readonly forwarder: AdminForwarder) {}

  @Get(':service/dead-letters')
  async deadLetters(
    @Param('service') service: string,
    @Headers('authorization') authorization: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    send(
      res,
      await this.forwarder.forward(
        watched(service),
        { method: 'GET', path: '/admin/dead-letters', authorization },
        { anyInstance: true },
      ),
    );
  }

  @Get(':service/dead-letters/:id')
  async inspect(
    @Param('service') service: string,
    @Param('id') id: string,
    @Headers('authorization') authorization: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const path = `/admin/dead-letters/${encodeURIComponent(id)}`;
    send(
      res,
      await this.forwarder.forward(
        watched(service),
        { method: 'GET', path, authorization },
        { anyInstance: true },
      ),
    );
  }

  @Post(':service/dead-letters/redrive')
  async redrive(
    @Param('service') service: string,
    @Body() body: RedriveRequest,
    @Headers('authorization') authorization: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    send(
      res,
      await this.forwarder.forward(
        watched(service),
        { method: 'POST', path: '/admin/dead-letters/redrive', authorization, json: body },
        { anyInstance: true },
      ),
    );
  }

  @Get('replay')
  async replayStatus(
    @Headers('authorization') authorization: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    send(
      res,
      await this.forwarder.forward(
        'read-model',
        { method: 'GET', path: '/admin/replay', authorization },
        { anyInstance: false },
      ),
    );
  }

  @Post('replay')
  async startReplay(
    @Body() body: ReplayStartRequest,
    @Headers('authorization') authorization: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const json = { mode: 'rebuild', swap: body.swap ?? true };
    send(
      res,
      await this.forwarder.forward(
        'read-model',
        { method: 'POST', path: '/admin/replay', authorization, json },
        { anyInstance: false },
      ),
    );
  }
}

function watched(service: string): WatchedService {
  if (!(WATCHED_SERVICES as readonly string[]).includes(service))
    throw new NotFoundException({
      statusCode: 404,
      error: 'Not Found',
      message: `no service ${service} (one of ${WATCHED_SERVICES.join(', ')})`,
    });
  return service as WatchedService;
}

function send(res: Response, forwarded: Forwarded): void {
  res.status(forwarded.status).json(forwarded.body);
}
