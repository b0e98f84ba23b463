import * as z from 'zod';
import { updateTenantSettings } from '../../lib/app/tenants.ts';
import { tenantView } from '../../lib/domain/records.ts';
import { ifMatchVersion } from '../../lib/http/preconditions.ts';
import { etagOf, ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import {
  ApiKeyLifetimeDays,
  AutoJoinPatch,
  AutoSuspendDays,
  MfaPolicyBody,
  SsoSettingsPatch,
  TenantName,
  TenantPath,
} from '../../lib/http/schemas.ts';

/**
 * settings:manage renames the tenant; its security settings (the auto-suspension
 * period, the MFA policy, auto-join, the API keys' maximum lifetime, single sign-on) are admins' alone.
 * Plan and seats belong to the platform routes.
 */
const Body = z
  .object({
    name: TenantName.optional(),
    autoSuspendInactiveDays: AutoSuspendDays.nullable().optional(),
    mfa: MfaPolicyBody.optional(),
    autoJoin: AutoJoinPatch.optional(),
    apiKeys: z.object({ maxLifetimeDays: ApiKeyLifetimeDays.nullable() }).strict().optional(),
    sso: SsoSettingsPatch.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'Name at least one field to change');

export const handler = route('updateTenant', {
  params: TenantPath,
  body: Body,
  run: async ({ access, body, headers, now }) => {
    const { apiKeys, ...rest } = body;
    const changes = apiKeys ? { ...rest, apiKeyMaxLifetimeDays: apiKeys.maxLifetimeDays } : rest;
    const next = await updateTenantSettings(access, changes, now, ifMatchVersion(headers));
    return ok(tenantView(next), { etag: etagOf(next.version) });
  },
});
