import * as z from 'zod';
import { updateConnection } from '../../lib/app/sso.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { DomainName, SsoConnectionPath } from '../../lib/http/schemas.ts';

const Body = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    domains: z.array(DomainName).min(1).max(20).optional(),
    clientSecret: z.string().min(1).max(1000).optional().meta({ description: 'OIDC: a new secret (never returned)' }),
    metadataXml: z.string().min(1).max(60_000).optional().meta({ description: 'SAML: new IdP metadata' }),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'Name at least one field to change');

export const handler = route('updateSsoConnection', {
  params: SsoConnectionPath,
  body: Body,
  run: async ({ access, params, body, now }) => ok(await updateConnection(access, params.connectionId, body, now)),
});
