/**
 * SCIM Users ↔ members (DESIGN §6a): what the directory sent is kept as sent
 * (`userName`, `externalId`, `emails`, `name`, the enterprise extension) on the
 * member's `scim` state; the member's own email and name are derived from it.
 */
import * as z from 'zod';
import { containsLink } from '../identity.ts';
import { booleanOf, type Doc, lowerKeys, ScimPatchError } from './patch.ts';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export interface ScimEmail {
  value: string;
  type?: string;
  primary?: boolean;
}

export interface ScimName {
  givenName?: string;
  familyName?: string;
  middleName?: string;
  formatted?: string;
  honorificPrefix?: string;
  honorificSuffix?: string;
}

/** What the directory wrote about a member, as it sent it (kept on the member item). */
export interface ScimUserState {
  userName: string;
  externalId?: string;
  name?: ScimName;
  displayName?: string;
  emails?: ScimEmail[];
  /** The enterprise extension (department, manager, …), kept as sent and returned. */
  enterprise?: Record<string, unknown>;
  /** Roster's own mark: the directory set `active: false` on a pending invitation (withdrawn, seat freed). */
  inviteDeactivated?: true;
}

/** What a POST/PUT body or a patched document asks for a user. */
export interface UserInput {
  state: ScimUserState;
  active: boolean;
}

const EmailCheck = z.string().trim().max(254).email();
const isEmail = (value: unknown): value is string => typeof value === 'string' && EmailCheck.safeParse(value).success;

const MAX_TEXT = 256;
function text(value: unknown, field: string, max = MAX_TEXT): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ScimPatchError(`${field} must be a string.`, 'invalidValue');
  if (value.length > max) throw new ScimPatchError(`${field} is too long.`, 'invalidValue');
  return value;
}

const NAME_PARTS: readonly (keyof ScimName)[] = [
  'givenName',
  'familyName',
  'middleName',
  'formatted',
  'honorificPrefix',
  'honorificSuffix',
];

/** The member's email (§6a): the first valid among primary, type work, the others; then userName if an address. */
export function memberEmail(state: ScimUserState): string {
  const emails = state.emails ?? [];
  const ordered = [
    ...emails.filter((e) => e.primary === true),
    ...emails.filter((e) => e.primary !== true && e.type?.toLowerCase() === 'work'),
    ...emails.filter((e) => e.primary !== true && e.type?.toLowerCase() !== 'work'),
  ];
  const found =
    ordered.map((e) => e.value.trim()).find(isEmail) ?? (isEmail(state.userName) ? state.userName : undefined);
  if (!found) throw new ScimPatchError('The user has no usable email address (emails or userName).', 'invalidValue');
  return found.trim().toLowerCase();
}

/** The member's name (§6a): given and family names, else formatted, else displayName. */
export function memberName(state: ScimUserState): string {
  const parts = [state.name?.givenName, state.name?.familyName].filter((p): p is string => Boolean(p?.trim()));
  const name = (parts.length ? parts.join(' ') : (state.name?.formatted ?? state.displayName ?? '')).trim();
  // Names go into mail (DESIGN §2a rule 5): none may carry a link.
  if (containsLink(name)) throw new ScimPatchError('A name must not contain a link or a web address.', 'invalidValue');
  return name.slice(0, 200);
}

/** A user document (lower-case keys: a POST/PUT body, or a patched one) as what Roster keeps. */
export function userInput(doc: Doc, defaults: { active: boolean }): UserInput {
  const userName = text(doc.username, 'userName');
  if (!userName || userName.trim() === '') throw new ScimPatchError('userName is required.', 'invalidValue');
  const nameDoc = doc.name && typeof doc.name === 'object' && !Array.isArray(doc.name) ? (doc.name as Doc) : undefined;
  const name: ScimName = {};
  for (const part of NAME_PARTS) {
    const value = text(nameDoc?.[part.toLowerCase()], `name.${part}`);
    if (value !== undefined) name[part] = value;
  }
  const rawEmails = doc.emails === undefined || doc.emails === null ? [] : doc.emails;
  if (!Array.isArray(rawEmails)) throw new ScimPatchError('emails must be an array.', 'invalidValue');
  if (rawEmails.length > 20) throw new ScimPatchError('At most 20 emails.', 'invalidValue');
  const emails: ScimEmail[] = rawEmails.map((raw) => {
    const e = (raw && typeof raw === 'object' ? raw : { value: raw }) as Doc;
    const value = text(e.value, 'emails.value');
    if (value === undefined) throw new ScimPatchError('Each email needs a value.', 'invalidValue');
    const type = text(e.type, 'emails.type', 64);
    const primary = booleanOf(e.primary);
    return { value, ...(type ? { type } : {}), ...(primary !== undefined ? { primary } : {}) };
  });
  const enterpriseDoc = doc[ENTERPRISE_SCHEMA.toLowerCase()];
  const enterprise =
    enterpriseDoc && typeof enterpriseDoc === 'object' && !Array.isArray(enterpriseDoc)
      ? (enterpriseDoc as Record<string, unknown>)
      : undefined;
  if (enterprise && JSON.stringify(enterprise).length > 4_000) {
    throw new ScimPatchError('The enterprise extension is too large.', 'invalidValue');
  }
  const externalId = text(doc.externalid, 'externalId');
  const displayName = text(doc.displayname, 'displayName');
  const state: ScimUserState = {
    userName: userName.trim(),
    ...(externalId !== undefined ? { externalId } : {}),
    ...(Object.keys(name).length ? { name } : {}),
    ...(displayName !== undefined ? { displayName } : {}),
    ...(emails.length ? { emails } : {}),
    ...(enterprise ? { enterprise } : {}),
  };
  const active = doc.active === undefined || doc.active === null ? defaults.active : booleanOf(doc.active);
  if (active === undefined) throw new ScimPatchError('active must be a boolean.', 'invalidValue');
  return { state, active };
}

/** A body (any key case) as a lower-case document. */
export const bodyDoc = (body: unknown): Doc => {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new ScimPatchError('The body must be a JSON object.', 'invalidSyntax');
  }
  return lowerKeys(body) as Doc;
};

/** The document a PATCH applies to: what the directory wrote (or, for a member it never wrote, their email). */
export function userDoc(state: ScimUserState, active: boolean): Doc {
  return lowerKeys({
    userName: state.userName,
    externalId: state.externalId,
    name: state.name,
    displayName: state.displayName,
    emails: state.emails,
    active,
    ...(state.enterprise ? { [ENTERPRISE_SCHEMA]: state.enterprise } : {}),
  }) as Doc;
}

/** userName is unique per tenant, case-insensitively: the key it is claimed under. */
export const userNameKey = (userName: string) => userName.trim().toLowerCase();
