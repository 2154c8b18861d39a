import { createServer } from 'node:net';

/** Resolves when nothing listens on host:port; rejects with a clear, actionable message otherwise. */
export async function assertPortFree(
  port: number,
  what: string,
  host = '127.0.0.1',
): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
  if (!free) {
    throw new LauncherError(
      `Port ${host}:${port} is busy, so ${what} cannot start there. Stop whatever listens on it ` +
        `(\`ss -ltnp 'sport = :${port}'\` shows it), or point the project at your own server ` +
        `with the environment variable the README names for ${what}.`,
    );
  }
}

/** An error meant for a person at a terminal: printed without a stack trace. */
export class LauncherError extends Error {
  override readonly name = 'LauncherError';
}
