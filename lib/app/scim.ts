/**
 * SCIM 2.0 use cases (DESIGN §1 "Directory provisioning", §6a): Users are
 * members, Groups are teams. The identity provider acts through a stand-in
 * admin (never the owner) on the existing use cases — invitation, lifecycle,
 * team membership — so every rule of theirs (seats, rule 3's "never touch a
 * login elsewhere", per-tenant session ends, conversation release) holds, and
 * every change is audited with the SCIM token as actor.
 */
import { ulid } from 'ulid';
import { config } from '../config.ts';
import { MAX_TEAMS_PER_MEMBER } from '../domain/assignment.ts';
import { DomainError, forbidden } from '../domain/errors.ts';
import { BUILT_IN_ROLE_PERMISSIONS, type Role } from '../domain/permissions.ts';
import type { MemberRecord, TeamRecord, TenantRecord } from '../domain/records.ts';
import { MAX_GROUP_MEMBER_CHANGES } from '../domain/scim/discovery.ts';
import { type Filter, matches, parseFilter, ScimFilterError, userNameEquality } from '../domain/scim/filter.ts';
import {
  applyOperation,
  type Doc,
  groupPatch,
  type PatchOperation,
  patchOperations,
  ScimPatchError,
} from '../domain/scim/patch.ts';
import { hashSecret, issueScimToken } from '../domain/scim/tokens.ts';
import {
  bodyDoc,
  ENTERPRISE_SCHEMA,
  GROUP_SCHEMA,
  memberEmail,
  memberName,
  type ScimUserState,
  USER_SCHEMA,
  type UserInput,
  userDoc,
  userInput,
  userNameKey,
} from '../domain/scim/users.ts';
import { identityOrUnknown } from '../store/identities.ts';
import { getMember, readMembers, writeMemberChange } from '../store/members.ts';
import {
  allMembers,
  claimUserName,
  deleteScimToken,
  getRoleMappings,
  insertScimToken,
  listScimTokens,
  memberIdByClaim,
  type RoleMapping,
  releaseUserName,
  type ScimTokenRecord,
  saveRoleMappings,
} from '../store/scim.ts';
import {
  type GroupMemberChange,
  getTeam,
  groupMembershipItems,
  listTeamLinks,
  listTeams,
  MembershipRace,
} from '../store/teams.ts';
import { type TxItem, transact } from '../store/transact.ts';
import { actorOf } from './access.ts';
import { drainTeams } from './drain.ts';
import { changeStatus, deleteMember, resendInvitation } from './lifecycle.ts';
import { inviteMember, updateMember } from './members.ts';
import { createTeam, deleteTeam } from './teams.ts';
import type { TenantAccess } from './tenant-access.ts';

export { ScimFilterError, ScimPatchError };

/** A SCIM protocol error (RFC 7644 §3.12): its HTTP status and `scimType`. */
export class ScimError extends Error {
  override readonly name = 'ScimError';
  constructor(
    readonly status: number,
    detail: string,
    readonly scimType?: string,
  ) {
    super(detail);
  }
}

// ── tokens (user routes, admins only: DESIGN §2a rule 14) ──

/** Security settings are admins' alone: role admin, any custom role refused whatever it holds. */
export function assertAdmin(access: TenantAccess): void {
  if (access.member.role !== 'admin') throw forbidden('Only an admin may manage directory provisioning (SCIM).');
}

export const scimBaseUrl = () => `${config().appUrl}/scim/v2`;

export interface ScimTokenView {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  createdBy: string;
}

const tokenView = (t: ScimTokenRecord): ScimTokenView => ({
  id: t.id,
  name: t.name,
  prefix: `rsc_${t.tenantId}.${t.id}`,
  createdAt: t.createdAt,
  createdBy: t.createdBy,
});

export async function createScimToken(access: TenantAccess, name: string | undefined, now: Date) {
  assertAdmin(access);
  const id = ulid(now.getTime()).toLowerCase();
  const issued = issueScimToken(access.tenant.id, id);
  const record: ScimTokenRecord = {
    tenantId: access.tenant.id,
    id,
    name: name?.trim() || 'SCIM token',
    hash: issued.hash,
    createdAt: now.toISOString(),
    createdBy: access.member.id,
  };
  await insertScimToken(record, actorOf(access));
  return { ...tokenView(record), token: issued.token, baseUrl: scimBaseUrl() };
}

export async function listTenantScimTokens(access: TenantAccess) {
  assertAdmin(access);
  return { items: (await listScimTokens(access.tenant.id)).map(tokenView), baseUrl: scimBaseUrl() };
}

export async function revokeScimToken(access: TenantAccess, tokenId: string, now: Date): Promise<void> {
  assertAdmin(access);
  await deleteScimToken(access.tenant.id, tokenId, actorOf(access), now.toISOString());
}

// ── the directory as a caller ──

/**
 * What a SCIM request acts as: a stand-in admin (not the owner, not a member of the table) with the token as
 * its audited actor. Built from the one authorisation read (tenant + token item).
 */
export function directoryAccess(tenant: TenantRecord, token: ScimTokenRecord, now: Date): TenantAccess {
  const at = now.toISOString();
  const standIn: MemberRecord = {
    tenantId: tenant.id,
    id: `scim-${token.id}`,
    email: '',
    // Goes into invitation mail as the inviter: the tenant's own (already checked) name.
    name: tenant.name,
    status: 'active',
    role: 'admin',
    grants: [],
    crmAccess: true,
    availability: 'online',
    openAssignments: 0,
    teamIds: [],
    lastLoginAt: null,
    invitedAt: null,
    invitedBy: null,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  return {
    tenant,
    member: standIn,
    permissions: [...BUILT_IN_ROLE_PERMISSIONS.admin],
    heldUntil: {},
    now,
    identity: identityOrUnknown(standIn.id, undefined),
    directory: { tokenId: token.id, name: token.name },
  };
}

/** Checks a presented secret against the token item (constant time). */
export { hashSecret };

/** A PATCH body's operations, or 400 in SCIM's words. */
export function operationsOf(body: unknown): PatchOperation[] {
  try {
    return patchOperations(body);
  } catch (error) {
    if (error instanceof ScimPatchError) throw new ScimError(400, error.message, error.scimType);
    throw error;
  }
}

// ── Users ──

/** What the directory keeps for a member it never wrote: their email as userName and address. */
function stateOf(member: MemberRecord): ScimUserState {
  return (
    member.scim ?? {
      userName: member.email,
      emails: [{ value: member.email, type: 'work', primary: true }],
      ...(member.name ? { name: { formatted: member.name } } : {}),
      ...(member.name ? { displayName: member.name } : {}),
    }
  );
}

/** SCIM `active`: false once deactivated or suspended (or a pending invitation the directory deactivated). */
export function isActive(member: MemberRecord): boolean {
  if (member.status === 'deactivated' || member.status === 'suspended') return false;
  if (member.status === 'expired' && member.scim?.inviteDeactivated) return false;
  return true;
}

const version = (v: number) => `W/"v${v}"`;

export function userResource(member: MemberRecord) {
  const state = stateOf(member);
  const base = scimBaseUrl();
  return {
    schemas: [USER_SCHEMA, ...(state.enterprise ? [ENTERPRISE_SCHEMA] : [])],
    id: member.id,
    ...(state.externalId !== undefined ? { externalId: state.externalId } : {}),
    userName: state.userName,
    name: state.name ?? { formatted: member.name },
    displayName: state.displayName ?? member.name,
    emails: state.emails ?? [{ value: member.email, type: 'work', primary: true }],
    active: isActive(member),
    groups: member.teamIds.map((id) => ({ value: id, $ref: `${base}/Groups/${id}` })),
    ...(state.enterprise ? { [ENTERPRISE_SCHEMA]: state.enterprise } : {}),
    meta: {
      resourceType: 'User',
      created: member.createdAt,
      lastModified: member.updatedAt,
      location: `${base}/Users/${member.id}`,
      version: version(member.version),
    },
  };
}

export interface ListQuery {
  filter?: string;
  startIndex?: string;
  count?: string;
}

/** `startIndex` (1-based) and `count` (0–200; default 100): integers, else 400 invalidValue. */
function paging(query: ListQuery): { start: number; count: number } {
  const int = (value: string | undefined, name: string, fallback: number) => {
    if (value === undefined || value === '') return fallback;
    if (!/^-?\d{1,9}$/.test(value.trim())) throw new ScimError(400, `${name} must be an integer.`, 'invalidValue');
    return Number(value);
  };
  const start = Math.max(1, int(query.startIndex, 'startIndex', 1));
  const count = Math.min(200, Math.max(0, int(query.count, 'count', 100)));
  return { start, count };
}

function filterOf(text: string | undefined): Filter | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return parseFilter(text);
  } catch (error) {
    if (error instanceof ScimFilterError) throw new ScimError(400, error.message, 'invalidFilter');
    throw error;
  }
}

function page<T>(all: T[], query: ListQuery) {
  const { start, count } = paging(query);
  const slice = all.slice(start - 1, start - 1 + count);
  return { totalResults: all.length, startIndex: start, itemsPerPage: slice.length, Resources: slice };
}

const byCreation = (a: MemberRecord | TeamRecord, b: MemberRecord | TeamRecord) =>
  a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);

export async function listUsers(access: TenantAccess, query: ListQuery) {
  const filter = filterOf(query.filter);
  const wanted = filter ? userNameEquality(filter) : undefined;
  let members: MemberRecord[];
  if (wanted !== undefined) {
    // The look-up an IdP makes before every create: the userName claim (or, for a member the directory never
    // wrote, the email claim of that address) — not a read of the whole tenant.
    const address = wanted.includes('@') ? wanted.trim().toLowerCase() : undefined;
    const ids = [...new Set(await memberIdByClaim(access.tenant.id, userNameKey(wanted), address))];
    members = ids.length ? await readMembers(access.tenant.id, ids) : [];
  } else members = await allMembers(access.tenant.id);
  const resources = members
    .sort(byCreation)
    .map(userResource)
    .filter((r) => !filter || matches(r, filter));
  return page(resources, query);
}

async function requireMember(access: TenantAccess, id: string): Promise<MemberRecord> {
  const member = /^[A-Za-z0-9-]{1,64}$/.test(id) ? await getMember(access.tenant.id, id) : undefined;
  if (!member) throw new ScimError(404, `User ${id} not found.`);
  return member;
}

export async function getUser(access: TenantAccess, id: string) {
  return userResource(await requireMember(access, id));
}

/** Domain refusals in SCIM's words: a taken address is `uniqueness` (the IdP then matches instead). */
function scimConflict(error: unknown): never {
  if (error instanceof DomainError && error.code === 'email-taken') {
    throw new ScimError(409, error.message, 'uniqueness');
  }
  if (error instanceof DomainError && error.code === 'conflict' && error.extensions.scimType === 'uniqueness') {
    throw new ScimError(409, error.message, 'uniqueness');
  }
  throw error;
}

function parseUser(body: unknown, defaults: { active: boolean }): UserInput & { email: string; name: string } {
  try {
    const input = userInput(bodyDoc(body), defaults);
    return { ...input, email: memberEmail(input.state), name: memberName(input.state) };
  } catch (error) {
    if (error instanceof ScimPatchError) throw new ScimError(400, error.message, error.scimType);
    throw error;
  }
}

/** Another member already holds the address: 409 uniqueness before anything is written. */
async function assertAddressFree(access: TenantAccess, email: string, memberId?: string): Promise<void> {
  const holders = await memberIdByClaim(access.tenant.id, `\u0000none`, email);
  if (holders.some((id) => id !== memberId)) {
    throw new ScimError(409, `${email} is already a member of this tenant.`, 'uniqueness');
  }
}

export async function createUser(access: TenantAccess, body: unknown, now: Date) {
  const input = parseUser(body, { active: true });
  const key = userNameKey(input.state.userName);
  const [holder] = await memberIdByClaim(access.tenant.id, key);
  if (holder) throw new ScimError(409, `userName ${input.state.userName} is already taken.`, 'uniqueness');
  await assertAddressFree(access, input.email);
  // Never a password from the IdP: the person joins by invitation (an address with a login elsewhere is never
  // touched — DESIGN §2a rule 3 — they prove it is theirs when accepting).
  // The userName claim rides in the member's own transaction: a racing create of the same userName is refused.
  const claim = (memberId: string) => [claimUserName(access.tenant.id, key, memberId, input.state.userName)];
  const created = await inviteMember(
    access,
    {
      email: input.email,
      name: input.name,
      role: 'agent',
      teamIds: [],
      directory: { scim: input.state, extra: claim },
    },
    now,
  ).catch(scimConflict);
  let member = (await getMember(access.tenant.id, (created.body as { id: string }).id)) as MemberRecord;
  if (!input.active) member = await setActive(access, member, false, now);
  return userResource(member);
}

/**
 * Applies what the directory asks of an existing member, as one change: everything that can refuse is checked
 * before anything is written — the userName and address free, then the status change (owner protected, a seat
 * for a reactivation, …), committed FIRST in its own transaction — and only then the fields, in ONE
 * transaction. A refused status change thus leaves the fields as they were; a field write that then loses a
 * race (the same userName or address claimed in between) leaves the status changed, and the IdP's retry of
 * the same request converges. The status change's side effects (sessions ended through the member's stamp,
 * conversations released, queues drained) run inside `changeStatus` after its own commit.
 */
async function applyUser(
  access: TenantAccess,
  current: MemberRecord,
  input: UserInput & { email: string; name: string },
  now: Date,
) {
  await assertFieldsFree(access, current, input);
  // The claim as the member held it before this request (a status change below may write its `scim` state).
  const claimed = Boolean(current.scim);
  const oldKey = userNameKey(stateOf(current).userName);
  if (input.active !== isActive(current)) current = await setActive(access, current, input.active, now);
  const newKey = userNameKey(input.state.userName);
  const extra: TxItem[] = [];
  if (!claimed || oldKey !== newKey) {
    const [holder] = await memberIdByClaim(access.tenant.id, newKey);
    if (holder && holder !== current.id) {
      throw new ScimError(409, `userName ${input.state.userName} is already taken.`, 'uniqueness');
    }
    if (!holder) extra.push(claimUserName(access.tenant.id, newKey, current.id, input.state.userName));
    if (claimed && oldKey !== newKey) extra.push(releaseUserName(access.tenant.id, oldKey, current.id));
  }
  if (input.email !== current.email) await assertAddressFree(access, input.email, current.id);
  const keepFlag = current.scim?.inviteDeactivated ? { inviteDeactivated: true as const } : {};
  return updateMember(
    access,
    current.id,
    {
      ...(input.name !== current.name ? { name: input.name } : {}),
      ...(input.email !== current.email ? { email: input.email } : {}),
    },
    now,
    undefined,
    { scim: { ...input.state, ...keepFlag }, extra },
  ).catch(scimConflict);
}

/** The userName and address the directory sets are free (else 409 uniqueness), before anything is written. */
async function assertFieldsFree(
  access: TenantAccess,
  current: MemberRecord,
  input: UserInput & { email: string; name: string },
): Promise<void> {
  const newKey = userNameKey(input.state.userName);
  if (!current.scim || userNameKey(stateOf(current).userName) !== newKey) {
    const [holder] = await memberIdByClaim(access.tenant.id, newKey);
    if (holder && holder !== current.id) {
      throw new ScimError(409, `userName ${input.state.userName} is already taken.`, 'uniqueness');
    }
  }
  if (input.email !== current.email) await assertAddressFree(access, input.email, current.id);
}

/**
 * `active` as the directory sets it. false: deactivated (seat freed, this tenant's sessions ended through the
 * member's stamp, conversations released) — a pending invitation is withdrawn instead (its link dies, its seat
 * frees). true: reactivated when a seat is free (else 409 with the usage) — a withdrawn invitation is sent again.
 */
async function setActive(access: TenantAccess, member: MemberRecord, active: boolean, now: Date) {
  const budget = { shouldStop: () => false };
  if (!active) {
    if (member.status === 'active' || member.status === 'suspended') {
      return changeStatus(access, member.id, 'deactivate', now, budget);
    }
    if (member.status === 'invited' || member.status === 'expired') {
      const at = now.toISOString();
      const { invitation: _dead, ...rest } = member;
      const next: MemberRecord = {
        ...rest,
        status: 'expired',
        scim: { ...stateOf(member), inviteDeactivated: true },
        updatedAt: at,
        version: member.version + 1,
      };
      await writeMemberChange({ current: member, next, actor: actorOf(access), action: 'member.deactivated', at });
      return next;
    }
    return member;
  }
  if (member.status === 'deactivated' || member.status === 'suspended') {
    return changeStatus(access, member.id, 'reactivate', now, budget);
  }
  if (member.status === 'expired') {
    const sent = await resendInvitation(access, member.id, now);
    const { inviteDeactivated: _flag, ...state } = stateOf(sent);
    const at = now.toISOString();
    const next: MemberRecord = { ...sent, scim: state, updatedAt: at, version: sent.version + 1 };
    await writeMemberChange({ current: sent, next, actor: actorOf(access), action: 'member.updated', at });
    return next;
  }
  return member;
}

export async function replaceUser(access: TenantAccess, id: string, body: unknown, now: Date) {
  const current = await requireMember(access, id);
  const input = parseUser(body, { active: isActive(current) });
  return userResource(await applyUser(access, current, input, now));
}

export async function patchUser(access: TenantAccess, id: string, operations: PatchOperation[], now: Date) {
  const current = await requireMember(access, id);
  const doc: Doc = userDoc(stateOf(current), isActive(current));
  let input: UserInput & { email: string; name: string };
  try {
    for (const operation of operations) applyOperation(doc, operation);
    input = parseUser(doc, { active: isActive(current) });
  } catch (error) {
    if (error instanceof ScimPatchError) throw new ScimError(400, error.message, error.scimType);
    throw error;
  }
  return userResource(await applyUser(access, current, input, now));
}

export async function deleteUser(access: TenantAccess, id: string, now: Date): Promise<void> {
  const current = await requireMember(access, id);
  const extra = current.scim ? [releaseUserName(access.tenant.id, userNameKey(current.scim.userName), id)] : [];
  await deleteMember(access, id, now, { shouldStop: () => false }, extra);
}

// ── Groups ──

async function groupMemberIds(tenantId: string, teamId: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const result = await listTeamLinks(tenantId, teamId, { limit: 100, cursor });
    ids.push(...result.items.map((l) => l.memberId));
    cursor = result.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

export function groupResource(team: TeamRecord, memberIds: readonly string[] | undefined) {
  const base = scimBaseUrl();
  return {
    schemas: [GROUP_SCHEMA],
    id: team.id,
    displayName: team.name,
    ...(memberIds ? { members: memberIds.map((id) => ({ value: id, $ref: `${base}/Users/${id}` })) } : {}),
    meta: {
      resourceType: 'Group',
      created: team.createdAt,
      lastModified: team.updatedAt,
      location: `${base}/Groups/${team.id}`,
      version: version(team.version),
    },
  };
}

/** `excludedAttributes=members` (Entra) or `attributes` without members: the member links are not read at all. */
export function wantsMembers(query: { attributes?: string; excludedAttributes?: string }): boolean {
  const names = (text?: string) => (text ?? '').split(',').map((a) => a.trim().toLowerCase());
  if (names(query.excludedAttributes).includes('members')) return false;
  if (query.attributes && !names(query.attributes).some((a) => a === 'members' || a.startsWith('members.'))) {
    return false;
  }
  return true;
}

async function requireGroup(access: TenantAccess, id: string): Promise<TeamRecord> {
  const team = /^[a-z0-9][a-z0-9-]{0,63}$/.test(id) ? await getTeam(access.tenant.id, id) : undefined;
  if (!team) throw new ScimError(404, `Group ${id} not found.`);
  return team;
}

export async function listGroups(
  access: TenantAccess,
  query: ListQuery & { attributes?: string; excludedAttributes?: string },
) {
  const filter = filterOf(query.filter);
  const teams: TeamRecord[] = [];
  let cursor: string | undefined;
  do {
    const result = await listTeams(access.tenant.id, { limit: 100, cursor });
    teams.push(...result.items);
    cursor = result.nextCursor ?? undefined;
  } while (cursor);
  const withMembers = wantsMembers(query) || Boolean(query.filter && /members/i.test(query.filter));
  const matched = teams.sort(byCreation).filter((t) => !filter || matches(groupResource(t, []), filter));
  const { start, count } = paging(query);
  const slice = matched.slice(start - 1, start - 1 + count);
  const resources = [];
  for (const team of slice) {
    const ids = withMembers ? await groupMemberIds(access.tenant.id, team.id) : undefined;
    const resource = groupResource(team, ids);
    if (!filter || matches(resource, filter)) resources.push(resource);
  }
  return { totalResults: matched.length, startIndex: start, itemsPerPage: resources.length, Resources: resources };
}

export async function getGroup(
  access: TenantAccess,
  id: string,
  query: { attributes?: string; excludedAttributes?: string },
) {
  const team = await requireGroup(access, id);
  return groupResource(team, wantsMembers(query) ? await groupMemberIds(access.tenant.id, team.id) : undefined);
}

function groupBody(body: unknown): { displayName: string; members: string[] } {
  try {
    const doc = bodyDoc(body);
    const name = doc.displayname;
    if (typeof name !== 'string' || name.trim() === '' || name.length > 100) {
      throw new ScimError(400, 'displayName is required (1–100 characters).', 'invalidValue');
    }
    const patch = groupPatch([{ op: 'replace', value: { members: doc.members ?? [] } }]);
    return { displayName: name.trim(), members: [...(patch.replace ?? [])] };
  } catch (error) {
    if (error instanceof ScimPatchError) throw new ScimError(400, error.message, error.scimType);
    throw error;
  }
}

/** Every id names a member of this tenant, else 400 before anything is written. */
async function assertMembersExist(access: TenantAccess, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const bad = ids.filter((id) => !/^[A-Za-z0-9-]{1,64}$/.test(id));
  const found = new Set(bad.length ? [] : (await readMembers(access.tenant.id, ids)).map((m) => m.id));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) throw new ScimError(400, `No such user: ${missing.slice(0, 5).join(', ')}.`, 'invalidValue');
}

/** DynamoDB's limit on the items of one TransactWriteItems. */
const MAX_TRANSACTION_ITEMS = 100;
const TRIES = 5;

const tooMany = (detail: string) => new ScimError(400, detail, 'tooMany');

function assertChangeCount(count: number): void {
  if (count > MAX_GROUP_MEMBER_CHANGES) {
    throw tooMany(
      `A Group request changes at most ${MAX_GROUP_MEMBER_CHANGES} members (this one: ${count}); send them in several PATCHes.`,
    );
  }
}

/** A group's new name as the directory sends it: 1–100 characters, trimmed. */
function groupName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > 100) {
    throw new ScimError(400, 'displayName is required (1–100 characters).', 'invalidValue');
  }
  return trimmed;
}

/**
 * What one Group request asks: members to add and remove — or, with `replace`, the whole member list, diffed
 * against the links as read on every attempt — and maybe a new name.
 */
interface GroupChange {
  add?: readonly string[];
  remove?: readonly string[];
  replace?: ReadonlySet<string>;
  name?: string;
}

/**
 * A Group request's member changes (and its rename) as ONE transaction (DESIGN §6a "One PATCH is atomic"):
 * the members and the team read, every change validated (a member gone, a member already in the most teams),
 * then per member its versioned update, link, cards and audit item, the team's member count moved once by the
 * net delta — either all commit or none. Concurrent requests on one group never undo each other: only the
 * links this request changes are written, each conditioned on being as read; a lost race reads again and
 * retries the whole request. More than one transaction holds is 400 `tooMany` before anything is written.
 * After the commit (follow-ups, not part of the atomic change): the team's queue drains if members joined
 * it while conversations waited, and the role mappings are recomputed for the members touched.
 */
async function applyGroupChange(
  access: TenantAccess,
  teamId: string,
  change: GroupChange,
  now: Date,
  /** The team as the caller just read it (spares the first attempt's read). */
  read?: TeamRecord,
) {
  const tenantId = access.tenant.id;
  const at = now.toISOString();
  for (let attempt = 1; ; attempt++) {
    const team = attempt === 1 && read ? read : await getTeam(tenantId, teamId);
    if (!team) throw new ScimError(404, `Group ${teamId} not found.`);
    let add = [...new Set(change.add ?? [])];
    let remove = [...new Set(change.remove ?? [])].filter((id) => !add.includes(id));
    if (change.replace) {
      const current = new Set(await groupMemberIds(tenantId, teamId));
      add = [...change.replace].filter((id) => !current.has(id));
      remove = [...current].filter((id) => !change.replace?.has(id));
    }
    assertChangeCount(add.length + remove.length);
    const members = new Map((await readMembers(tenantId, [...add, ...remove])).map((m) => [m.id, m]));
    const changes: GroupMemberChange[] = [];
    for (const id of add) {
      const member = members.get(id);
      if (!member) throw new ScimError(400, `No such user: ${id}.`, 'invalidValue');
      if (member.teamIds.includes(teamId)) continue;
      const teamIds = [...member.teamIds, teamId];
      if (teamIds.length > MAX_TEAMS_PER_MEMBER) {
        throw new ScimError(
          400,
          `User ${id} is already in ${MAX_TEAMS_PER_MEMBER} teams, the most a member can be in.`,
          'invalidValue',
        );
      }
      changes.push({
        current: member,
        next: { ...member, teamIds, updatedAt: at, version: member.version + 1 },
        join: true,
      });
    }
    for (const id of remove) {
      // A member deleted meanwhile, or not in the group, is not in it: what was asked holds.
      const member = members.get(id);
      if (!member?.teamIds.includes(teamId)) continue;
      const teamIds = member.teamIds.filter((t) => t !== teamId);
      changes.push({
        current: member,
        next: { ...member, teamIds, updatedAt: at, version: member.version + 1 },
        join: false,
      });
    }
    const renamed =
      change.name !== undefined && change.name !== team.name
        ? { ...team, name: change.name, updatedAt: at, version: team.version + 1 }
        : undefined;
    const items = groupMembershipItems({ team, changes, renamed, actor: actorOf(access), at });
    if (items.length > MAX_TRANSACTION_ITEMS) {
      throw tooMany(
        `This Group request needs ${items.length} writes in one transaction, more than ${MAX_TRANSACTION_ITEMS} (its members belong to many other teams); send fewer member changes per PATCH.`,
      );
    }
    if (items.length === 0) return;
    try {
      await transact(items);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'conflict' && renamed && !(error instanceof MembershipRace)) {
        throw new ScimError(409, error.message, 'uniqueness');
      }
      if (!(error instanceof MembershipRace)) throw error;
      if (attempt >= TRIES) throw new ScimError(409, 'The group kept changing meanwhile; retry the request.');
      continue;
    }
    if (changes.some((c) => c.join) && (team.queued ?? 0) > 0) {
      await drainTeams(access.tenant, [teamId], { actor: actorOf(access), budget: { shouldStop: () => false } });
    }
    await followMappings(access, new Set(changes.map((c) => c.current.id)), now);
    return;
  }
}

export async function createGroup(access: TenantAccess, body: unknown, now: Date) {
  const input = groupBody(body);
  assertChangeCount(new Set(input.members).size);
  await assertMembersExist(access, input.members);
  const created = await createTeam(access, { name: input.displayName }, now).catch((error: unknown) => {
    if (error instanceof DomainError && error.code === 'conflict')
      throw new ScimError(409, error.message, 'uniqueness');
    throw error;
  });
  const teamId = (created.body as { id: string }).id;
  await applyGroupChange(access, teamId, { add: input.members }, now);
  return getGroup(access, teamId, {});
}

export async function replaceGroup(access: TenantAccess, id: string, body: unknown, now: Date) {
  const team = await requireGroup(access, id);
  const input = groupBody(body);
  await applyGroupChange(access, id, { replace: new Set(input.members), name: input.displayName }, now, team);
  return getGroup(access, id, {});
}

export async function patchGroup(access: TenantAccess, id: string, operations: PatchOperation[], now: Date) {
  const team = await requireGroup(access, id);
  let patch: ReturnType<typeof groupPatch>;
  try {
    patch = groupPatch(operations);
  } catch (error) {
    if (error instanceof ScimPatchError) throw new ScimError(400, error.message, error.scimType);
    throw error;
  }
  const name = patch.displayName === undefined ? undefined : groupName(patch.displayName);
  await applyGroupChange(
    access,
    id,
    patch.replace ? { replace: patch.replace, name } : { add: [...patch.add], remove: [...patch.remove], name },
    now,
    team,
  );
  return getGroup(access, id, {});
}

export async function deleteGroup(access: TenantAccess, id: string, now: Date): Promise<void> {
  await requireGroup(access, id);
  const members = await groupMemberIds(access.tenant.id, id);
  // The team's memberships go first, then the team; the people stay. Not one request's change of members but
  // the group's end: its memberships leave in transactions of at most MAX_GROUP_MEMBER_CHANGES (a retried
  // DELETE finishes the job). A team that still holds conversations is refused (409), as it is for a person.
  for (let i = 0; i < members.length; i += MAX_GROUP_MEMBER_CHANGES) {
    await applyGroupChange(access, id, { remove: members.slice(i, i + MAX_GROUP_MEMBER_CHANGES) }, now);
  }
  await deleteTeam(access, id, now);
}

// ── group → role mappings ──

export async function readRoleMappings(access: TenantAccess) {
  assertAdmin(access);
  return (await getRoleMappings(access.tenant.id)).mappings;
}

export async function writeRoleMappings(access: TenantAccess, mappings: RoleMapping[], now: Date) {
  assertAdmin(access);
  for (const [i, m] of mappings.entries()) {
    if (m.role === 'custom' && (!m.roleId || !access.tenant.rolePermissions[m.roleId])) {
      throw new DomainError('validation-failed', 'A custom role mapping names one of this tenant’s roles.', {
        errors: [{ path: `body.${i}.roleId`, message: 'Unknown custom role' }],
      });
    }
    if (m.role !== 'custom' && m.roleId !== undefined) {
      throw new DomainError('validation-failed', 'roleId applies only with role custom.', {
        errors: [{ path: `body.${i}.roleId`, message: 'Only with role custom' }],
      });
    }
  }
  const current = await getRoleMappings(access.tenant.id);
  await saveRoleMappings(access.tenant.id, current, mappings, actorOf(access), now.toISOString());
  return mappings;
}

/**
 * A directory member's role follows their groups (DESIGN §1): the first mapping (in order) naming one of their
 * teams — by id or by name, case-insensitively — decides; none matching is an agent. With no mappings at all,
 * roles are the tenant's to set. Never the owner.
 */
export async function followMappings(access: TenantAccess, memberIds: Set<string>, now: Date): Promise<void> {
  if (memberIds.size === 0) return;
  const { mappings } = await getRoleMappings(access.tenant.id);
  if (mappings.length === 0) return;
  const teams = new Map<string, string>();
  for (const member of await readMembers(access.tenant.id, [...memberIds])) {
    if (member.id === access.tenant.ownerId || member.managedBy !== 'directory') continue;
    const names: string[] = [];
    for (const teamId of member.teamIds) {
      if (!teams.has(teamId)) teams.set(teamId, (await getTeam(access.tenant.id, teamId))?.name ?? '');
      names.push(teamId, (teams.get(teamId) ?? '').toLowerCase());
    }
    const hit = mappings.find((m) => names.includes(m.group) || names.includes(m.group.toLowerCase()));
    const role: Role = hit?.role ?? 'agent';
    const roleId = hit?.role === 'custom' ? hit.roleId : undefined;
    if (role === member.role && roleId === member.roleId) continue;
    await updateMember(access, member.id, { role, roleId: roleId ?? null }, now).catch((error: unknown) => {
      // The tenant's last active admin stays one (409 last-admin): the mapping applies when another exists.
      if (!(error instanceof DomainError && (error.code === 'last-admin' || error.code === 'owner-protected')))
        throw error;
    });
  }
}
