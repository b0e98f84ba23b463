import * as z from 'zod';
import { refreshSession } from '../../lib/app/credentials.ts';
import { DomainError } from '../../lib/domain/errors.ts';
import { publicRoute } from '../../lib/http/public-route.ts';
import { ok } from '../../lib/http/reply.ts';
import { COOKIE_HEADER, refreshCookie, refreshFromCookies } from '../../lib/http/session-cookie.ts';

const Body = z
  .object({
    refreshToken: z.string().min(1).max(8192).optional().meta({
      description:
        'The refresh token. Absent: the `roster_refresh` cookie set by login (the console), read only with the header `X-Roster-Session: cookie`',
    }),
  })
  .strict();

export const handler = publicRoute('refresh', {
  body: Body,
  run: async ({ body, headers, cookies }) => {
    if (body.refreshToken) return ok(await refreshSession(body.refreshToken));
    const token = headers[COOKIE_HEADER] === 'cookie' ? refreshFromCookies(cookies) : undefined;
    if (!token) {
      throw new DomainError('validation-failed', 'No refresh token: sign in again.', {
        errors: [
          { path: 'body.refreshToken', message: 'Required (or the session cookie with X-Roster-Session: cookie)' },
        ],
      });
    }
    const result = await refreshSession(token);
    const next = 'refreshToken' in result ? result.refreshToken : undefined;
    return { ...ok(result), ...(next ? { cookies: [refreshCookie(next, headers)] } : {}) };
  },
});
