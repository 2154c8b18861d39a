import {
  BadRequestException,
  Controller,
  Get,
  NotFoundException,
  Param,
  ParseUUIDPipe,
} from '@nestjs/common';
import { ApiErrors, NO_NUL } from '@app/platform';
import { ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';

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
  @ApiParam({ name: 'orderId', format: 'uuid' })
  @ApiOkResponse({ description: 'The payment decided for the order' })
  @ApiErrors(400, 404)
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
  @ApiParam({
    name: 'customerId',
    schema: { type: 'string', minLength: 1, maxLength: 64, pattern: NO_NUL.source },
  })
  @ApiOkResponse({ description: 'The credit account (the default one if never used)' })
  @ApiErrors(400)
  async account(@Param('customerId') customerId: string) {
    if (customerId.length > 64 || !NO_NUL.test(customerId)) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'Request validation failed',
        fields: [{ field: 'customerId', problems: ['at most 64 characters, no NUL'] }],
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
