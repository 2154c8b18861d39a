import {
  BadRequestException,
  Controller,
  Get,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Query,
} from '@nestjs/common';
import { ApiErrors, NO_NUL } from '@app/platform';
import { ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';

import { decodeCursor } from '../queries/cursor.js';
import { ListOrdersQuery } from '../queries/list-orders.query.js';
import { ViewsQueries } from '../queries/views.queries.js';

@ApiTags('views')
@Controller()
export class ViewsController {
  constructor(private readonly queries: ViewsQueries) {}

  @Get('orders/:id')
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ description: 'The order as the read model sees it' })
  @ApiErrors(400, 404)
  async order(@Param('id', new ParseUUIDPipe()) id: string) {
    const view = await this.queries.order(id);
    if (!view)
      throw new NotFoundException({
        statusCode: 404,
        error: 'Not Found',
        message: `order ${id} is not in the read model (yet)`,
      });
    return view;
  }

  @Get('orders')
  @ApiOkResponse({ description: 'A page of orders, newest first, and the next cursor' })
  @ApiErrors(400)
  list(@Query() query: ListOrdersQuery) {
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    if (query.cursor && !after) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'Request validation failed',
        fields: [{ field: 'cursor', problems: ['cursor is not a cursor this API returned'] }],
      });
    }
    return this.queries.list({
      customerId: query.customerId,
      status: query.status,
      limit: query.limit ? Number(query.limit) : 20,
      after,
    });
  }

  @Get('customers/:id/summary')
  @ApiParam({
    name: 'id',
    schema: { type: 'string', minLength: 1, maxLength: 64, pattern: NO_NUL.source },
  })
  @ApiOkResponse({ description: "The customer's order and payment totals" })
  @ApiErrors(400, 404)
  async summary(@Param('id') id: string) {
    if (id.length > 64 || !NO_NUL.test(id)) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'Request validation failed',
        fields: [{ field: 'id', problems: ['at most 64 characters, no NUL'] }],
      });
    }
    const summary = await this.queries.customerSummary(id);
    if (!summary)
      throw new NotFoundException({
        statusCode: 404,
        error: 'Not Found',
        message: `no orders of customer ${id} in the read model (yet)`,
      });
    return summary;
  }
}
