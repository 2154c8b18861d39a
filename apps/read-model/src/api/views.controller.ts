import {
  BadRequestException,
  Controller,
  Get,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Query,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import { decodeCursor } from '../queries/cursor.js';
import { ListOrdersQuery } from '../queries/list-orders.query.js';
import { ViewsQueries } from '../queries/views.queries.js';

@ApiTags('views')
@Controller()
export class ViewsController {
  constructor(private readonly queries: ViewsQueries) {}

  @Get('orders/:id')
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
  async summary(@Param('id') id: string) {
    if (id.length > 64) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'customer id too long',
        fields: [{ field: 'id', problems: ['at most 64 characters'] }],
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
