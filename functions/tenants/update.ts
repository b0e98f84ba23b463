import * as z from 'zod';
import { updateTenantSettings } from '../../lib/app/tenants.ts';
import { tenantView } from '../../lib/domain/records.ts';
import { ifMatchVersion } from '../../lib/http/preconditions.ts';
import { etagOf, ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { AutoSuspendDays, SsoSettingsPatch, TenantName, TenantPath } from '../../lib/http/schemas.ts';

/**
 * settings:manage renames the tenant; its security settings (the auto-suspension
 * period) are admins' alone. Plan and seats belong to the platform routes.
 */
const Body = z
  .object({
    name: TenantName.optional(),
    autoSuspendInactiveDays: AutoSuspendDays.nullable().optional(),
    sso: SsoSettingsPatch.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'Name at least one field to change');

export const handler = route('updateTenant', {
  params: TenantPath,
  body: Body,
  run: async ({ access, body, headers, now }) => {
    const next = await updateTenantSettings(access, body, now, ifMatchVersion(headers));
    return ok(tenantView(next), { etag: etagOf(next.version) });
  },
});
