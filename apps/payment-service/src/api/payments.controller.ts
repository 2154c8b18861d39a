import {
  BadRequestException,
  Controller,
  Get,
  NotFoundException,
  Param,
  ParseUUIDPipe,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import { CreditPolicy } from '../application/credit-policy.js';
import { openAccount } from '../domain/credit-account.js';
import { PaymentStore } from '../application/ports/payment-store.js';

@ApiTags('payments')
@Controller()
export class PaymentsController {
  constructor(
    private readonly payments: PaymentStore,
    private readonly policy: CreditPolicy,
  ) {}

  @Get('payments/:orderId')
  async payment(@Param('orderId', new ParseUUIDPipe()) orderId: string) {
    const payment = await this.payments.findPayment(orderId);
    if (!payment) {
      throw new NotFoundException({
        statusCode: 404,
        error: 'Not Found',
        message: `no payment for order ${orderId} (yet)`,
      });
    }
    const { reason, ...rest } = payment;
    return { ...rest, ...(reason ? { reason } : {}) };
  }

  /** A customer never seen has the default account. */
  @Get('accounts/:customerId')
  async account(@Param('customerId') customerId: string) {
    if (customerId.length > 64) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'Request validation failed',
        fields: [{ field: 'customerId', problems: ['at most 64 characters'] }],
      });
    }
    return (
      (await this.payments.findAccount(customerId)) ??
      openAccount(customerId, {
        creditLimit: this.policy.defaultCreditLimit,
        currency: this.policy.defaultCurrency,
      })
    );
  }
}
