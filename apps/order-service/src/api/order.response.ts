import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import type { Order } from '../domain/order.js';
import { OrderItemRequest } from './place-order.request.js';

export class OrderResponse {
  @ApiProperty() orderId!: string;
  @ApiProperty() customerId!: string;
  @ApiProperty({ enum: ['PENDING', 'APPROVED', 'REJECTED', 'CANCELLED'] }) status!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ description: 'minor units' }) total!: number;
  @ApiProperty({ type: [OrderItemRequest] }) items!: OrderItemRequest[];
  @ApiPropertyOptional() rejectionReason?: string;
  @ApiPropertyOptional() paymentId?: string;

  static of(order: Order): OrderResponse {
    return {
      orderId: order.orderId,
      customerId: order.customerId,
      status: order.status,
      currency: order.currency,
      total: order.total,
      items: order.items.map((i) => ({ ...i })),
      ...(order.rejectionReason ? { rejectionReason: order.rejectionReason } : {}),
      ...(order.paymentId ? { paymentId: order.paymentId } : {}),
    };
  }
}
