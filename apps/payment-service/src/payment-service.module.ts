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

import { OrderEventsController } from './api/order-events.controller.js';

import { PaymentsController } from './api/payments.controller.js';
import { CreditPolicy } from './application/credit-policy.js';
import { OrderEventsHandlers } from './application/order-events.handlers.js';
import { CreditAccountEntity } from './infrastructure/credit-account.entity.js';
import { CreatePayments1732500000200 } from './infrastructure/migrations/1732500000200-create-payments.js';
import { PaymentEntity } from './infrastructure/payment.entity.js';
import { PaymentStore } from './application/ports/payment-store.js';
import { PaymentRepository } from './infrastructure/payment.repository.js';

export const config = readServiceConfig('payment-service', TOPOLOGY['payment-service']);

@Module({
  imports: [
    PlatformModule.forService({
      config,
      entities: [PaymentEntity, CreditAccountEntity],
      migrations: [CreatePayments1732500000200],
    }),
  ],
  controllers: [OrderEventsController, PaymentsController, DeadLettersController],
  providers: [
    { provide: Clock, useClass: SystemClock },
    { provide: CreditPolicy, useFactory: () => CreditPolicy.fromEnv() },
    PaymentRepository,
    // The API depends on the port; the repository is its one adapter.
    { provide: PaymentStore, useExisting: PaymentRepository },
    OrderEventsHandlers,
    ...eventTransport(TOPOLOGY['payment-service']),
    AdminTokenGuard,
    RetentionService,
    OutboxRelayHost,
  ],
})
export class PaymentServiceModule {}
