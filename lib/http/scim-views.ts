/** Response shapes of the SCIM settings routes (the /scim/v2 bodies are SCIM's own, RFC 7643). */
import * as z from 'zod';

const Time = z.iso.datetime().meta({ example: '2026-03-01T09:30:00.000Z' });

export const ScimTokenView = z
  .object({
    id: z.string().meta({ example: '01jnq7x4m2a8b6c9d0e1f2g3h4' }),
    name: z.string().meta({ example: 'Okta production' }),
    prefix: z.string().meta({ description: 'The token’s non-secret start (rsc_<tenant>.<id>), to tell tokens apart' }),
    createdAt: Time,
    createdBy: z.string().meta({ description: 'The admin who created it' }),
  })
  .meta({ id: 'ScimToken' });

export const ScimTokenCreated = ScimTokenView.extend({
  token: z.string().meta({ description: 'The bearer token the identity provider sends: shown once, never again' }),
  baseUrl: z.string().meta({
    description: 'The SCIM base URL to give the identity provider',
    example: 'https://roster.example/scim/v2',
  }),
}).meta({ id: 'ScimTokenCreated' });

export const ScimTokenList = z
  .object({ items: z.array(ScimTokenView), baseUrl: z.string().meta({ description: 'The SCIM base URL' }) })
  .meta({ id: 'ScimTokenList' });

export const ScimRoleMappings = z
  .array(
    z.object({
      group: z.string(),
      role: z.enum(['admin', 'manager', 'agent', 'custom']),
      roleId: z.string().optional(),
    }),
  )
  .meta({ id: 'ScimRoleMappings' });

/** RFC 7644 §3.12: how every /scim/v2 error reads (never a problem document). */
export const ScimErrorView = z
  .object({
    schemas: z.array(z.literal('urn:ietf:params:scim:api:messages:2.0:Error')),
    status: z.string().meta({ description: 'The HTTP status, as a string', example: '409' }),
    scimType: z.string().optional().meta({
      description:
        'uniqueness, invalidFilter, invalidValue, invalidSyntax, invalidPath, noTarget, mutability, tooMany (a Group request beyond 25 member changes or one transaction)',
    }),
    detail: z.string(),
  })
  .meta({ id: 'ScimError' });

/** A SCIM resource or ListResponse (RFC 7643): its `schemas` say which; its attributes are SCIM's. */
export const ScimResource = z
  .looseObject({ schemas: z.array(z.string()).meta({ description: 'The schema URNs of this body' }) })
  .meta({ id: 'ScimResource' });
