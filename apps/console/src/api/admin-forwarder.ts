import { Inject, Injectable } from '@nestjs/common';

import { CONSOLE_CONFIG, type ConsoleConfig, type WatchedService } from '../console-config.js';

export interface Forwarded {
  status: number;
  body: unknown;
}

/**
 * Calls a service's /admin API on the operator's behalf with the bearer token the page sent
 * (the console holds no token of its own, so without one the service answers 401 and the
 * page shows it). Dead letters can be served by any instance: the next is tried when one does
 * not answer. A replay is started on, and polled from, the first read-model instance only,
 * because that instance runs it.
 */
@Injectable()
export class AdminForwarder {
  constructor(@Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig) {}

  async forward(
    service: WatchedService,
    request: { method: 'GET' | 'POST'; path: string; authorization?: string; json?: unknown },
    opts: { anyInstance: boolean },
  ): Promise<Forwarded> {
    const urls = this.config.services[service];
    const candidates = opts.anyInstance ? urls : urls.slice(0, 1);
    let failure = 'no instance configured';
    for (const url of candidates) {
      try {
        const response = await fetch(`${url}${request.path}`, {
          method: request.method,
          headers: {
            ...(request.authorization ? { authorization: request.authorization } : {}),
            ...(request.json !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          body: request.json !== undefined ? JSON.stringify(request.json) : undefined,
          // Reading a dead-letter topic or redriving a batch takes seconds, not minutes.
          signal: AbortSignal.timeout(60_000),
        });
        const text = await response.text();
        return { status: response.status, body: parseJson(text) };
      } catch (error) {
        failure = `${url}: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    return {
      status: 502,
      body: {
        statusCode: 502,
        error: 'Bad Gateway',
        message: `${service} did not answer (${failure})`,
      },
    };
  }
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? null : JSON.parse(text);
  } catch {
    return { message: text };
  }
}
