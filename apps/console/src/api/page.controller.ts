import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { CONSOLE_PAGE } from '../page/console-page.js';

/** The page's scripts, compiled from apps/console/web by `npm run build`. */
const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));

@ApiExcludeController()
@Controller()
export class PageController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  page(): string {
    return CONSOLE_PAGE;
  }

  /** Only the compiled scripts of WEB_DIR, by plain file name (no paths). */
  @Get('assets/:file')
  async asset(@Param('file') file: string, @Res() res: FastifyReply): Promise<void> {
    const notFound = new NotFoundException({ statusCode: 404, error: 'Not Found', message: file });
    if (!/^[a-z0-9-]+\.js(\.map)?$/.test(file)) throw notFound;
    const body = await readFile(join(WEB_DIR, file)).catch(() => {
      throw notFound;
    });
    void res
      .header(
        'Content-Type',
        file.endsWith('.map')
          ? 'application/json; charset=utf-8'
          : 'text/javascript; charset=utf-8',
      )
      .header('Cache-Control', 'no-store')
      .send(body);
  }
}
