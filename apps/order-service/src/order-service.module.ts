import { TOPOLOGY } from '@app/contracts';
import {
  Clock,
  OutboxRelayHost,
  PlatformModule,
  SystemClock,
  readServiceConfig,
  AdminTokenGuard,
  DeadLettersController,
  RetentionService,
  eventTransport,
} from '@app/platform';
import { Module } from '@nestjs/common';

import { PaymentEventsController } from './api/payment-events.controller.js';

import { OrdersController } from './api/orders.controller.js';
import { CancelOrderHandler } from './application/cancel-order.handler.js';

import { PaymentEventsHandlers } from './application/payment-events.handlers.js';
import { PlaceOrderHandler } from './application/place-order.handler.js';
import { CreateOrders1732500000100 } from './infrastructure/migrations/1732500000100-create-orders.js';
import { OrderEntity } from './infrastructure/order.entity.js';
import { OrderStore } from './application/ports/order-store.js';
import { OrderRepository } from './infrastructure/order.repository.js';

export const config = readServiceConfig('order-service', TOPOLOGY['order-service']);

@Module({
  imports: [
    PlatformModule.forService({
      config,
      entities: [OrderEntity],
      migrations: [CreateOrders1732500000100],
    }),
  ],
  controllers: [PaymentEventsController, OrdersController, DeadLettersController],
  providers: [
    { provide: Clock, useClass: SystemClock },
    OrderRepository,
    // Application and API depend on the port; the repository is its one adapter.
    { provide: OrderStore, useExisting: OrderRepository },
    PlaceOrderHandler,
    CancelOrderHandler,
    PaymentEventsHandlers,
    ...eventTransport(TOPOLOGY['order-service']),
    AdminTokenGuard,
    RetentionService,
    OutboxRelayHost,
  ],
})
export class OrderServiceModule {}
