import * as z from 'zod';
import { callbackUrl } from '../../lib/app/sso.ts';
import { publicRoute } from '../../lib/http/public-route.ts';
import { ssoBindingFromCookies } from '../../lib/http/sso-cookie.ts';
import { finishSso } from './finish.ts';

const Query = z
  .object({
    code: z.string().max(4096).optional(),
    state: z.string().max(512).optional(),
    iss: z.string().max(1000).optional(),
    error: z.string().max(200).optional(),
    error_description: z.string().max(1000).optional(),
    session_state: z.string().max(1000).optional(),
  })
  .strict();

/** OIDC: the IdP sends the browser back here with `code` and `state`. */
export const handler = publicRoute('ssoCallback', {
  query: Query,
  run: async ({ query, headers, cookies, now }) => {
    const url = new URL(callbackUrl());
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, value);
    return finishSso(
      { state: query.state, code: query.code, error: query.error, url, browser: ssoBindingFromCookies(cookies) },
      headers,
      now,
    );
  },
});
