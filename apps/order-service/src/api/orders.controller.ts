import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Res,
  UseFilters,
  BadRequestException,
} from '@nestjs/common';
import { ApiErrors, ErrorResponse } from '@app/platform';
import { ApiHeader, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { CancelOrderHandler } from '../application/cancel-order.handler.js';
import { OrderNotFoundError } from '../application/order-not-found.error.js';
import { PlaceOrderHandler } from '../application/place-order.handler.js';
import { OrderStore } from '../application/ports/order-store.js';
import { OrderErrorsFilter } from './order-errors.filter.js';
import { OrderResponse } from './order.response.js';
import { CancelOrderRequest, PlaceOrderRequest } from './place-order.request.js';

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

@ApiTags('orders')
@Controller('orders')
@UseFilters(OrderErrorsFilter)
export class OrdersController {
  constructor(
    private readonly placeOrder: PlaceOrderHandler,
    private readonly cancelOrder: CancelOrderHandler,
    private readonly orders: OrderStore,
  ) {}

  @Post()
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Same key + same body -> the same order (1-200 printable ASCII characters)',
    schema: { type: 'string', pattern: KEY_PATTERN.source },
  })
  @ApiHeader({ name: 'X-Correlation-Id', required: false })
  @ApiResponse({ status: 201, type: OrderResponse })
  @ApiErrors(400, 422)
  async place(
    @Body() body: PlaceOrderRequest,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('x-correlation-id') correlationId: string | undefined,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<OrderResponse> {
    if (idempotencyKey !== undefined && !KEY_PATTERN.test(idempotencyKey)) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'Idempotency-Key must be 1-200 printable ASCII characters',
        fields: [
          { field: 'Idempotency-Key', problems: ['must be 1-200 printable ASCII characters'] },
        ],
      });
    }
    const { order, created } = await this.placeOrder.execute({
      customerId: body.customerId,
      currency: body.currency,
      salesChannel: body.salesChannel,
      items: body.items.map((i) => ({ sku: i.sku, quantity: i.quantity, unitPrice: i.unitPrice })),
      idempotencyKey: idempotencyKey ?? null,
      correlationId: correlationId?.slice(0, 200) ?? null,
    });
    if (!created) res.header('Idempotent-Replayed', 'true');
    return OrderResponse.of(order);
  }

  @Get(':id')
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 200, type: OrderResponse })
  @ApiErrors(400, 404)
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<OrderResponse> {
    const record = await this.orders.find(id);
    if (!record) throw new OrderNotFoundError(id);
    return OrderResponse.of(record.order);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 200, type: OrderResponse })
  @ApiErrors(400, 404)
  @ApiResponse({
    status: 409,
    description: 'The order is REJECTED or already CANCELLED',
    type: ErrorResponse,
  })
  async cancel(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: CancelOrderRequest,
  ): Promise<OrderResponse> {
    const order = await this.cancelOrder.execute(id, body?.reason ?? null);
    return OrderResponse.of(order);
  }
}
