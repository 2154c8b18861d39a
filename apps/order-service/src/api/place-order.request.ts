import { AbsentOrValid, NO_NUL, NO_NUL_MESSAGE } from '@app/platform';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

import { MAX_ORDER_ITEMS } from '../domain/new-order.rules.js';
import {
  DEFAULT_SALES_CHANNEL,
  PLACEABLE_SALES_CHANNELS,
  type PlaceableSalesChannel,
} from '../domain/sales-channel.js';

const MAX_QUANTITY = 1_000_000;
/** The largest unit price for which every order the schema admits has a total that fits. */
const MAX_UNIT_PRICE = Math.floor(Number.MAX_SAFE_INTEGER / (MAX_ORDER_ITEMS * MAX_QUANTITY));

export class OrderItemRequest {
  @ApiProperty({ example: 'SKU-1', minLength: 1, maxLength: 64, pattern: NO_NUL.source })
  @IsString()
  @Length(1, 64)
  @Matches(NO_NUL, { message: NO_NUL_MESSAGE })
  sku!: string;

  @ApiProperty({ type: 'integer', example: 2, minimum: 1, maximum: MAX_QUANTITY })
  @IsInt()
  @Min(1)
  @Max(MAX_QUANTITY)
  quantity!: number;

  @ApiProperty({
    type: 'integer',
    example: 1250,
    minimum: 0,
    maximum: MAX_UNIT_PRICE,
    description: 'Price of one unit in minor units (cents)',
  })
  @IsInt()
  @Min(0)
  @Max(MAX_UNIT_PRICE)
  unitPrice!: number;
}

export class PlaceOrderRequest {
  @ApiProperty({ example: 'customer-42', minLength: 1, maxLength: 64, pattern: NO_NUL.source })
  @IsString()
  @Length(1, 64)
  @Matches(NO_NUL, { message: NO_NUL_MESSAGE })
  customerId!: string;

  @ApiProperty({ example: 'EUR', pattern: '^[A-Z]{3}$', description: 'ISO-4217 code' })
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO-4217 code such as EUR' })
  currency!: string;

  @ApiProperty({ type: [OrderItemRequest], minItems: 1, maxItems: MAX_ORDER_ITEMS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ORDER_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => OrderItemRequest)
  items!: OrderItemRequest[];

  @ApiProperty({
    required: false,
    enum: PLACEABLE_SALES_CHANNELS,
    default: DEFAULT_SALES_CHANNEL,
    description: `Where the order was placed; "${DEFAULT_SALES_CHANNEL}" when absent`,
  })
  @AbsentOrValid()
  @IsIn(PLACEABLE_SALES_CHANNELS)
  salesChannel?: PlaceableSalesChannel;
}

export class CancelOrderRequest {
  @ApiProperty({
    required: false,
    example: 'changed my mind',
    minLength: 1,
    maxLength: 200,
    pattern: NO_NUL.source,
  })
  @AbsentOrValid()
  @IsString()
  @Length(1, 200)
  @Matches(NO_NUL, { message: NO_NUL_MESSAGE })
  reason?: string;
}
