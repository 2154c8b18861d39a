/** Keyset cursor: the (created_at, order_id) of the last row of a page, opaque to clients. */
export interface Cursor {
  createdAt: string;
  orderId: string;
}

export const encodeCursor = (c: Cursor): string =>
  Buffer.from(JSON.stringify([c.createdAt, c.orderId])).toString('base64url');

export function decodeCursor(raw: string): Cursor | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      !Number.isNaN(Date.parse(value[0])) &&
      typeof value[1] === 'string' &&
      /^[0-9a-f-]{36}$/.test(value[1])
    ) {
      return { createdAt: value[0], orderId: value[1] };
    }
  } catch {
    // fall through
  }
  return null;
}
