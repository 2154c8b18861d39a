import type { Logger as PinoLogger } from 'pino';

/** The logging surface libs/messaging needs; a pino logger (or nestjs-pino's) satisfies it. */
export type Logger = Pick<PinoLogger, 'debug' | 'info' | 'warn' | 'error'>;
