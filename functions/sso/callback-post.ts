import * as z from 'zod';
import { callbackUrl } from '../../lib/app/sso.ts';
import { publicRoute } from '../../lib/http/public-route.ts';
import { ssoBindingFromCookies } from '../../lib/http/sso-cookie.ts';
import { finishSso } from './finish.ts';

const Body = z
  .object({
    SAMLResponse: z.string().min(1).max(500_000),
    RelayState: z.string().max(512).optional(),
  })
  .strict();

/** SAML HTTP-POST binding: the browser posts the IdP's response here; RelayState is the sign-in's state. */
export const handler = publicRoute('ssoCallbackPost', {
  body: Body,
  run: async ({ body, headers, cookies, now }) =>
    finishSso(
      {
        state: body.RelayState,
        samlResponse: body.SAMLResponse,
        url: new URL(callbackUrl()),
        browser: ssoBindingFromCookies(cookies),
      },
      headers,
      now,
    ),
});
