import { fileURLToPath } from 'node:url';

import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';

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
  asset(@Param('file') file: string, @Res() res: Response): void {
    if (!/^[a-z0-9-]+\.js(\.map)?$/.test(file))
      throw new NotFoundException({ statusCode: 404, error: 'Not Found', message: file });
    res.sendFile(file, { root: WEB_DIR, headers: { 'Cache-Control': 'no-store' } }, (error) => {
      if (error && !res.headersSent)
        res.status(404).json({ statusCode: 404, error: 'Not Found', message: file });
    });
  }
}
