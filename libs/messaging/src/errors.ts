/**
 * A fault that no retry can fix (a precondition that can never be met, a contract the
 * payload breaks): the record is dead-lettered with this reason and the consumer goes on.
 */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export type FailureClass = 'transient' | 'permanent';

/**
 * Everything not known to be permanent is transient: it is retried and never skipped, so an
 * unforeseen fault (or a bug, once fixed and deployed) delays records instead of losing them.
 * PostgreSQL data exceptions (22xxx) and integrity violations (23xxx, except the unique
 * violations that concurrent instances can race into) cannot succeed on a retry.
 */
export function classifyFailure(error: unknown): FailureClass {
  if (error instanceof PermanentError) return 'permanent';
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    if (code === '23505') return 'transient';
    if (code.startsWith('22') || code.startsWith('23')) return 'permanent';
  }
  return 'transient';
}

export const reasonOf = (error: unknown): string =>
  error instanceof PermanentError ? error.reason : 'handler-error';
