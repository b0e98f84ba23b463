import * as z from 'zod';
import { confirmLink } from '../../lib/app/sso-link.ts';
import { publicRoute } from '../../lib/http/public-route.ts';
import { ok } from '../../lib/http/reply.ts';
import { refreshCookie } from '../../lib/http/session-cookie.ts';

const Body = z
  .object({
    linkToken: z.string().min(32).max(256),
    password: z.string().min(1).max(256),
    code: z
      .string()
      .regex(/^[0-9]{6}$/, 'Six digits')
      .optional(),
  })
  .strict();

/**
 * The confirm-password step of an SSO sign-in that met an existing login (lib/app/sso-link.ts): signed in
 * exactly as the callback signs in — the tokens, and the refresh token in the session cookie.
 */
export const handler = publicRoute('ssoLink', {
  body: Body,
  run: async ({ body, headers, now }) => {
    const result = await confirmLink(body, now);
    const token = 'refreshToken' in result ? result.refreshToken : undefined;
    return { ...ok(result), ...(token ? { cookies: [refreshCookie(token, headers)] } : {}) };
  },
});
