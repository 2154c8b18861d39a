import { ADMIN_ROUTES, SERVICE_NAMES, TOPOLOGY, type AdminRoute } from '@app/contracts';
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
import type { FastifyReply } from 'fastify';

import type { WatchedService } from '../console-config.js';
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
    @Res() res: FastifyReply,
  ): Promise<void> {
    const path = ADMIN_ROUTES.deadLetters;
    send(
      res,
      await this.forwarder.forward(
        serving(service, 'deadLetters'),
        { method: 'GET', path, authorization },
        { anyInstance: true },
      ),
    );
  }

  @Get(':service/dead-letters/:id')
  async inspect(
    @Param('service') service: string,
    @Param('id') id: string,
    @Headers('authorization') authorization: string | undefined,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const path = `${ADMIN_ROUTES.deadLetters}/${encodeURIComponent(id)}`;
    send(
      res,
      await this.forwarder.forward(
        serving(service, 'deadLetters'),
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
    @Res() res: FastifyReply,
  ): Promise<void> {
    const path = `${ADMIN_ROUTES.deadLetters}/redrive`;
    send(
      res,
      await this.forwarder.forward(
        serving(service, 'deadLetters'),
        { method: 'POST', path, authorization, json: body },
        { anyInstance: true },
      ),
    );
  }

  @Get('replay')
  async replayStatus(
    @Headers('authorization') authorization: string | undefined,
    @Res() res: FastifyReply,
  ): Promise<void> {
    send(
      res,
      await this.forwarder.forward(
        replaying(),
        { method: 'GET', path: ADMIN_ROUTES.replay, authorization },
        { anyInstance: false },
      ),
    );
  }

  @Post('replay')
  async startReplay(
    @Body() body: ReplayStartRequest,
    @Headers('authorization') authorization: string | undefined,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const json = { mode: 'rebuild', swap: body.swap ?? true };
    send(
      res,
      await this.forwarder.forward(
        replaying(),
        { method: 'POST', path: ADMIN_ROUTES.replay, authorization, json },
        { anyInstance: false },
      ),
    );
  }
}

const serves = (service: WatchedService, route: AdminRoute): boolean =>
  (TOPOLOGY[service].admin as readonly AdminRoute[]).includes(route);

/** The named service, if the topology says it serves `route`; else 404. */
function serving(service: string, route: AdminRoute): WatchedService {
  const known = SERVICE_NAMES.find((name) => name === service);
  if (!known || !serves(known, route))
    throw new NotFoundException({
      statusCode: 404,
      error: 'Not Found',
      message: `no ${route} admin API on "${service}" (${SERVICE_NAMES.filter((s) => serves(s, route)).join(', ')} serve it)`,
    });
  return known;
}

/** The service whose admin API runs replays (the read model). */
const replaying = (): WatchedService => SERVICE_NAMES.find((s) => serves(s, 'replay'))!;

function send(res: FastifyReply, forwarded: Forwarded): void {
  void res.status(forwarded.status).send(forwarded.body);
}
