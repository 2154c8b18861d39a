/** The operator's bearer token, kept for this tab only, and calls to the console's admin proxy. */
const KEY = 'console-admin-token';

export const token = {
  get: (): string => sessionStorage.getItem(KEY) ?? '',
  set: (value: string): void => sessionStorage.setItem(KEY, value),
};

export interface AdminAnswer<T> {
  status: number;
  body: T;
}

export async function admin<T>(
  method: 'GET' | 'POST',
  path: string,
  json?: unknown,
): Promise<AdminAnswer<T>> {
  const headers: Record<string, string> = {};
  if (token.get()) headers.authorization = `Bearer ${token.get()}`;
  if (json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`/api/admin${path}`, {
    method,
    headers,
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { message: text };
  }
  return { status: response.status, body: body as T };
}

/** "401 Unauthorized: a valid bearer token is required" from a service's error body. */
export function describeFailure(answer: AdminAnswer<unknown>): string {
  const body = (answer.body ?? {}) as { error?: string; message?: string | string[] };
  const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
  return `${answer.status} ${body.error ?? ''}${message ? `: ${message}` : ''}`.trim();
}
