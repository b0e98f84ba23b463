import * as z from 'zod';
import { updateMember } from '../../lib/app/members.ts';
import { memberView } from '../../lib/domain/records.ts';
import { ifMatchVersion } from '../../lib/http/preconditions.ts';
import { etagOf, ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { Email, Grants, MemberPath, PersonName, RoleId, RoleName, TeamIds } from '../../lib/http/schemas.ts';

const Body = z
  .object({
    name: PersonName.optional(),
    email: Email.optional(),
    role: RoleName.optional(),
    roleId: RoleId.nullable().optional(),
    grants: Grants.optional(),
    crmAccess: z.boolean().optional(),
    teamIds: TeamIds.optional(),
    currentPassword: z.string().min(1).max(256).optional(),
  })
  .strict();

export const handler = route('updateMember', {
  params: MemberPath,
  body: Body,
  run: async ({ access, params, body, headers, now }) => {
    const member = await updateMember(access, params.userId, body, now, ifMatchVersion(headers));
    return ok(memberView(member, now), { etag: etagOf(member.version) });
  },
});
