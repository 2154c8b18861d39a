import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

import {
  DEFAULT_SALES_CHANNEL,
  PLACEABLE_SALES_CHANNELS,
  type PlaceableSalesChannel,
} from '../domain/sales-channel.js';

export class OrderItemRequest {
  @ApiProperty({ example: 'SKU-1' })
  @IsString()
  @Length(1, 64)
  sku!: string;

  @ApiProperty({ example: 2, minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  quantity!: number;

  @ApiProperty({ example: 1250, description: 'Price of one unit in minor units (cents)' })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  unitPrice!: number;
}

export class PlaceOrderRequest {
  @ApiProperty({ example: 'customer-42' })
  @IsString()
  @Length(1, 64)
  customerId!: string;

  @ApiProperty({ example: 'EUR', description: 'ISO-4217 code' })
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO-4217 code such as EUR' })
  currency!: string;

  @ApiProperty({ type: [OrderItemRequest] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => OrderItemRequest)
  items!: OrderItemRequest[];

  @ApiProperty({
    required: false,
    enum: PLACEABLE_SALES_CHANNELS,
    default: DEFAULT_SALES_CHANNEL,
    description: `Where the order was placed; "${DEFAULT_SALES_CHANNEL}" when absent`,
  })
  @IsOptional()
  @IsIn(PLACEABLE_SALES_CHANNELS)
  salesChannel?: PlaceableSalesChannel;
}

export class CancelOrderRequest {
  @ApiProperty({ required: false, example: 'changed my mind' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  reason?: string;
}
