/**
 * `sso.required` (DESIGN §6): a member whose email is in an SSO domain of a
 * tenant that requires SSO may not sign in with a password — except that
 * tenant's owner (break-glass). Apart from lib/app/sso.ts so the login
 * function does not carry the OIDC and SAML libraries.
 */
import { DomainError } from '../domain/errors.ts';
import { ssoSettingsOf } from '../domain/records.ts';
import { verifiedDomainTenant } from '../store/domains.ts';
import { getMember } from '../store/members.ts';
import { listSsoConnections } from '../store/sso.ts';
import { getTenant } from '../store/tenants.ts';

/** The refusal of a password sign-in by `identityId` with `email`, if SSO is required of them. */
export async function passwordRefusal(identityId: string, email: string, now: Date): Promise<DomainError | undefined> {
  const domain = email.trim().toLowerCase().split('@').at(-1) ?? '';
  const tenantId = domain ? await verifiedDomainTenant(domain, now) : undefined;
  if (!tenantId) return undefined;
  const [tenant, connections, member] = await Promise.all([
    getTenant(tenantId),
    listSsoConnections(tenantId),
    getMember(tenantId, identityId),
  ]);
  if (!tenant || !member || !ssoSettingsOf(tenant).required || tenant.ownerId === identityId) return undefined;
  if (!connections.some((c) => c.domains.includes(domain))) return undefined;
  return new DomainError('sso-required', `${tenant.name} requires single sign-on: use “Continue with SSO”.`);
}
