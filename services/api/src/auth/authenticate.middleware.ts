import type { Permission } from '@backups/shared';
import { looksLikeApiKey } from '@backups/shared/tenants';
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../errors/codes.js';
import type { AppEnv, Principal } from '../http/context.js';
import { type ApiKeyResolver, usable } from './api-key-resolver.js';
import type { FailedAuthThrottle } from './failed-auth-throttle.js';

const HEADER = 'ld-api-key';

function unauthenticated(): ApiError {
  return new ApiError(
    'unauthenticated',
    `A valid API key is required in the ${HEADER} header. Create one in the Console or ask your administrator.`,
  );
}

/**
 * Resolves the ld-api-key header to a Principal (401 when missing, unknown,
 * expired or revoked). Each failure counts against the caller's address, and
 * a throttled address gets 429 for any key this process has not already found
 * valid (see FailedAuthThrottle).
 */
export function authenticate(
  resolver: ApiKeyResolver,
  throttle: FailedAuthThrottle,
): MiddlewareHandler<AppEnv> {
  const refuse = async (c: Context<AppEnv>): Promise<never> => {
    await throttle.countFailure(c);
    throw unauthenticated();
  };
  return async (c, next) => {
    const secret = c.req.header(HEADER);
    const wellFormed = secret !== undefined && looksLikeApiKey(secret);
    if (!(wellFormed && resolver.foundValid(secret))) await throttle.refuseIfThrottled(c);
    if (!wellFormed) return refuse(c);
    const key = await resolver.resolve(secret);
    if (!key || !usable(key)) return refuse(c);
    const principal: Principal = { keyId: key.id, tenantId: key.tenantId, permissions: key.permissions };
    c.set('principal', principal);
    await next();
  };
}

/** GET needs deployment:read; anything that changes state needs deployment:manage. */
export function requiredPermission(method: string): Permission {
  return method === 'GET' || method === 'HEAD' ? 'deployment:read' : 'deployment:manage';
}

export function authorize(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const needed = requiredPermission(c.req.method);
    if (!c.get('principal').permissions.includes(needed)) {
      throw new ApiError('forbidden', `This API key lacks the ${needed} permission. Use a key that has it.`);
    }
    await next();
  };
}
