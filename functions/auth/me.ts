import { DomainError } from '../../lib/domain/errors.ts';
import { assertSessionLive } from '../../lib/http/middleware/authorize.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { membershipsOf } from '../../lib/store/members.ts';

export const handler = route('getMe', {
  // The session is checked here, on the identity read with the memberships' tenants (one round trip fewer).
  checksSession: true,
  run: async ({ caller }) => {
    if (caller.kind !== 'user') throw new DomainError('unauthenticated', 'Sign in to continue.');
    const { memberships, identity } = await membershipsOf(caller.id);
    assertSessionLive(identity, caller.token);
    return ok({
      id: caller.id,
      email: caller.email ?? memberships[0]?.member.email ?? null,
      mfa: { enrolled: identity.mfaEnrolledAt !== undefined, enrolledAt: identity.mfaEnrolledAt ?? null },
      memberships: memberships
        .filter(({ tenant }) => tenant?.status === 'active')
        .map(({ member, tenant }) => ({
          tenant: { id: member.tenantId, name: tenant?.name ?? null },
          role: member.role,
          ...(member.roleId ? { roleId: member.roleId } : {}),
          status: member.status,
          owner: tenant?.ownerId === member.id,
        })),
    });
  },
});
