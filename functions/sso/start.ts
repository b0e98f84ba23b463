import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { startSignIn } from '../../lib/app/sso.ts';
import { publicRoute } from '../../lib/http/public-route.ts';
import { ssoBindingCookies } from '../../lib/http/sso-cookie.ts';

const Params = z.object({ connectionId: z.string().regex(/^[0-9A-Z]{26}$/, 'A connection id') }).strict();

/** To the IdP, the sign-in bound to this browser by a cookie the callback must see again (login CSRF). */
export const handler = publicRoute('ssoStart', {
  params: Params,
  run: async ({ params, headers, now }) => {
    const browser = randomBytes(32).toString('base64url');
    return {
      status: 303,
      headers: { location: await startSignIn(params.connectionId, now, browser), 'cache-control': 'no-store' },
      cookies: ssoBindingCookies(browser, headers),
    };
  },
});
