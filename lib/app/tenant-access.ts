/**
 * What authorisation hands a tenant use case: the caller's tenant, membership,
 * effective permissions and login, all from the one consistent read. A plain
 * type, below the transport layer, so use cases never import `lib/http`.
 */
import type { IdentityState } from '../domain/identity.ts';
import type { Permission } from '../domain/permissions.ts';
import type { MemberRecord, TenantRecord } from '../domain/records.ts';

export interface TenantAccess {
  tenant: TenantRecord;
  member: MemberRecord;
  /** Effective at `now`: a grant that expired before this request is not among them. */
  permissions: Permission[];
  /** Those of `permissions` held only until a moment (timed grants): permission → its end. */
  heldUntil: Partial<Record<Permission, string>>;
  /** The request's clock, read once: every rule of this request judges time by it. */
  now: Date;
  /** The caller's login, read in the same round trip (its session stamp was checked). */
  identity: IdentityState;
  /**
   * Set when the caller is the tenant's identity provider (a SCIM token): `member` is then a stand-in with an
   * admin's permissions (never the owner), and every change is audited as `{type: 'scim', id, name}`.
   */
  directory?: { tokenId: string; name: string };
  /**
   * Set when the caller is one of the tenant's API keys (docs/architecture.md, "API keys"): `member` is
   * then the key as a principal — its id, its name, role `custom` with no role and the key's permissions
   * as its grants — so every rule judges it as a member holding exactly those permissions would be
   * judged, and it is never "self" (no member has its id) nor an admin.
   */
  apiKey?: { id: string; name: string };
}
