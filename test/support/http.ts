export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response says it is JSON, otherwise the raw text. */
  body: T;
  /** True when the response declared a JSON body (error bodies must be JSON too). */
  isJson: boolean;
}

export interface RequestOptions {
  /** Serialized with JSON.stringify. */
  json?: unknown;
  /** Sent as is with content-type application/json (for malformed or oversized bodies). */
  raw?: string;
  headers?: Record<string, string>;
}

/** One HTTP call to a service; never throws for a 4xx/5xx, so tests can assert the status. */
export async function http<T>(
  method: string,
  url: string,
  opts: RequestOptions = {},
): Promise<HttpResponse<T>> {
  const hasBody = opts.json !== undefined || opts.raw !== undefined;
  const response = await fetch(url, {
    method,
    headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...opts.headers },
    body: opts.raw ?? (opts.json === undefined ? undefined : JSON.stringify(opts.json)),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').includes('application/json');
  return {
    status: response.status,
    headers: response.headers,
    body: (isJson && text.length > 0 ? JSON.parse(text) : text) as T,
    isJson,
  };
}
