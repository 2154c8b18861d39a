import { timingSafeEqual, createHash } from 'node:crypto';

import {
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Bearer token for /admin. Both sides are hashed to a fixed length first, so the
 * constant-time comparison does not leak the token's length either.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected = digest(process.env.ADMIN_TOKEN ?? 'dev-admin-token');

  canActivate(context: ExecutionContext): boolean {
    const header =
      context.switchToHttp().getRequest<{ headers: IncomingHttpHeaders }>().headers.authorization ??
      '';
    const match = /^Bearer (.+)$/.exec(header);
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), this.expected)) {
      throw new UnauthorizedException({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'a valid bearer token is required',
      });
    }
    return true;
  }
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
