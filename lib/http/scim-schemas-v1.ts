/** Request shapes of the SCIM settings routes (`/v1/tenants/{tenantId}/scim/…`). */
import * as z from 'zod';
import { RoleId, TenantId } from './schemas.ts';

export const ScimTokenPath = z
  .object({ tenantId: TenantId, tokenId: z.string().regex(/^[0-9a-z]{26}$/, 'A SCIM token id') })
  .strict();

export const ScimTokenBody = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .meta({ description: 'What the token is for, e.g. “Okta production” (default “SCIM token”)' }),
  })
  .strict()
  .optional();

export const RoleMappingsBody = z
  .array(
    z
      .object({
        group: z
          .string()
          .trim()
          .min(1)
          .max(200)
          .meta({ description: 'A group (team) by id or display name, case-insensitive' }),
        role: z.enum(['admin', 'manager', 'agent', 'custom']).meta({ description: 'The role its members get' }),
        roleId: RoleId.optional().meta({ description: 'With role custom: the custom role' }),
      })
      .strict(),
  )
  .max(50)
  .meta({ description: 'Ordered: the first mapping naming one of a member’s groups decides their role' });
