/** Keyset cursor: the (created_at, order_id) of the last row of a page. */
export interface Cursor {
  createdAt: string;
  orderId: string;
}

/**
 * `<created_at in epoch milliseconds>_<order_id>`. Every string of this shape is a position
 * in the list (so the OpenAPI pattern says exactly which cursors are accepted); 14 digits keep
 * the time within four-digit years, which PostgreSQL and toISOString agree on.
 */
export const CURSOR_PATTERN =
  /^(\d{1,14})_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export const encodeCursor = (c: Cursor): string => `${Date.parse(c.createdAt)}_${c.orderId}`;

export function decodeCursor(raw: string): Cursor | null {
  const match = CURSOR_PATTERN.exec(raw);
  if (!match?.[1] || !match[2]) return null;
  return { createdAt: new Date(Number(match[1])).toISOString(), orderId: match[2] };
}
