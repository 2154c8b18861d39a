import type { SalesChannel } from '@app/contracts';

/**
 * The channels a new order can name. 'unknown' is a valid OrderCreated channel but only
 * describes orders recorded before OrderCreated v2 (the upcaster's default); a new order
 * always knows where it came from.
 */
export const PLACEABLE_SALES_CHANNELS = [
  'web',
  'mobile',
  'api',
] as const satisfies readonly SalesChannel[];

export type PlaceableSalesChannel = (typeof PLACEABLE_SALES_CHANNELS)[number];

/** An order that names no channel came straight through the public API. */
export const DEFAULT_SALES_CHANNEL: PlaceableSalesChannel = 'api';

export function isPlaceableSalesChannel(value: unknown): value is PlaceableSalesChannel {
  return (PLACEABLE_SALES_CHANNELS as readonly unknown[]).includes(value);
}
