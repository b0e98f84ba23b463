import * as z from 'zod';
import { startSignIn } from '../../lib/app/sso.ts';
import { publicRoute } from '../../lib/http/public-route.ts';

const Params = z.object({ connectionId: z.string().regex(/^[0-9A-Z]{26}$/, 'A connection id') }).strict();

export const handler = publicRoute('ssoStart', {
  params: Params,
  run: async ({ params, now }) => ({
    status: 303,
    headers: { location: await startSignIn(params.connectionId, now), 'cache-control': 'no-store' },
  }),
});
