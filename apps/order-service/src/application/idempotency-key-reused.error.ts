/** The same Idempotency-Key arrived with a different request body (HTTP 422). */
export class IdempotencyKeyReusedError extends Error {
  override readonly name = 'IdempotencyKeyReusedError';
  constructor(readonly orderId: string) {
    super('this Idempotency-Key was already used for a different request');
  }
}
