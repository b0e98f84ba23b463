import * as z from 'zod';
import { createConnection } from '../../lib/app/sso.ts';
import { created } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { DomainName, TenantPath } from '../../lib/http/schemas.ts';

const Name = z.string().trim().min(1).max(100);
const Domains = z.array(DomainName).min(1).max(20);
const Body = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('oidc'),
      name: Name,
      issuer: z
        .string()
        .url()
        .max(500)
        .meta({ description: 'The IdP’s issuer; its discovery document is read at save' }),
      clientId: z.string().min(1).max(500),
      clientSecret: z.string().min(1).max(1000).meta({ description: 'Stored, never returned' }),
      domains: Domains,
    })
    .strict(),
  z
    .object({
      type: z.literal('saml'),
      name: Name,
      metadataXml: z.string().min(1).max(60_000).meta({ description: 'The IdP’s SAML 2.0 metadata XML' }),
      domains: Domains,
    })
    .strict(),
]);

export const handler = route('createSsoConnection', {
  params: TenantPath,
  body: Body,
  run: async ({ access, body, now }) => {
    const view = await createConnection(access, body, now);
    return created(view, { location: `/v1/tenants/${access.tenant.id}/sso-connections/${view.id}` });
  },
});
