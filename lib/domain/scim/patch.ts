/**
 * SCIM PATCH (RFC 7644 §3.5.2) as Okta and Entra send it: `op` in any case
 * (`Replace`), a path-less `replace`/`add` whose value object holds plain,
 * dotted (`name.givenName`) or enterprise-extension URN keys, `add` ≡
 * `replace` for single values, value paths (`emails[type eq "work"].value`),
 * and for groups `members` added with a value array, removed by
 * `members[value eq "…"]`, by a value array, or all at once.
 *
 * Users: every operation applies to one in-memory document (lower-case keys),
 * which the use case then writes in ONE transaction — a PATCH is atomic.
 * Groups: the member operations come out as sets (added, removed, replaced),
 * each a conditional write of its own link, so concurrent PATCHes never wipe
 * each other's members.
 */
import { attributePath, type Filter, matches, parseFilter, ScimFilterError } from './filter.ts';

export class ScimPatchError extends Error {
  override readonly name = 'ScimPatchError';
  constructor(
    message: string,
    readonly scimType: 'invalidPath' | 'invalidValue' | 'invalidSyntax' | 'invalidFilter' | 'noTarget' | 'mutability',
  ) {
    super(message);
  }
}

export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path?: string;
  value?: unknown;
}

export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** The body of a PATCH: `Operations` (any case of the key), each `op` case-insensitive. */
export function patchOperations(body: unknown): PatchOperation[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new ScimPatchError('A PATCH body is a PatchOp message.', 'invalidSyntax');
  }
  const entry = Object.entries(body as Record<string, unknown>).find(([k]) => k.toLowerCase() === 'operations');
  const list = entry?.[1];
  if (!Array.isArray(list) || list.length === 0) {
    throw new ScimPatchError('Operations must be a non-empty array.', 'invalidSyntax');
  }
  if (list.length > 1000) throw new ScimPatchError('At most 1000 operations per PATCH.', 'invalidSyntax');
  return list.map((raw) => {
    if (!raw || typeof raw !== 'object') throw new ScimPatchError('Each operation is an object.', 'invalidSyntax');
    const fields = Object.fromEntries(
      Object.entries(raw as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), v]),
    );
    const op = typeof fields.op === 'string' ? fields.op.toLowerCase() : '';
    if (op !== 'add' && op !== 'replace' && op !== 'remove') {
      throw new ScimPatchError(`“${String(fields.op)}” is not a PATCH op (add, replace, remove).`, 'invalidSyntax');
    }
    if (fields.path !== undefined && typeof fields.path !== 'string') {
      throw new ScimPatchError('path is a string.', 'invalidPath');
    }
    const path = typeof fields.path === 'string' && fields.path.trim() !== '' ? fields.path.trim() : undefined;
    if (op === 'remove' && path === undefined) throw new ScimPatchError('remove needs a path.', 'noTarget');
    return { op, path, value: fields.value };
  });
}

/** A PATCH path: attribute (lower-case segments), an optional value filter, an optional sub-attribute. */
export interface ParsedPath {
  attr: string[];
  filter?: Filter;
  sub?: string;
}

export function parsePath(text: string): ParsedPath {
  try {
    const open = text.indexOf('[');
    if (open < 0) return { attr: attributePath(text) };
    const close = text.lastIndexOf(']');
    if (close < open) throw new ScimPatchError(`“${text}” is not a path.`, 'invalidPath');
    const attr = attributePath(text.slice(0, open));
    const filter = parseFilter(text.slice(open + 1, close));
    const rest = text.slice(close + 1);
    if (rest !== '' && !/^\.[A-Za-z$][\w$-]*$/.test(rest)) {
      throw new ScimPatchError(`“${text}” is not a path.`, 'invalidPath');
    }
    return { attr, filter, sub: rest ? rest.slice(1).toLowerCase() : undefined };
  } catch (error) {
    if (error instanceof ScimFilterError) throw new ScimPatchError(error.message, 'invalidPath');
    throw error;
  }
}

export type Doc = Record<string, unknown>;

/** Lower-cases every key, deeply (attribute names are case-insensitive). */
export function lowerKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(lowerKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Doc).map(([k, v]) => [k.toLowerCase(), lowerKeys(v)]));
}

/** Multi-valued attributes of the documents handled here (an `add` appends to them). */
const MULTI = new Set(['emails', 'members', 'phonenumbers', 'addresses', 'groups', 'roles']);

function container(doc: Doc, attr: readonly string[], create: boolean): { parent?: Doc; key: string } {
  let parent: Doc = doc;
  for (const name of attr.slice(0, -1)) {
    const next = parent[name];
    if (next === undefined || next === null || typeof next !== 'object' || Array.isArray(next)) {
      if (!create) return { key: attr[attr.length - 1] as string };
      parent[name] = {};
    }
    parent = parent[name] as Doc;
  }
  return { parent, key: attr[attr.length - 1] as string };
}

/** Merges a complex value (add/replace of `name` with an object sets its sub-attributes). */
function assign(doc: Doc, attr: readonly string[], value: unknown, op: 'add' | 'replace'): void {
  const { parent, key } = container(doc, attr, true);
  if (!parent) return;
  const lowered = lowerKeys(value);
  if (MULTI.has(key) && attr.length === 1) {
    const list = Array.isArray(lowered) ? lowered : [lowered];
    if (op === 'replace') parent[key] = list;
    else {
      const existing = Array.isArray(parent[key]) ? (parent[key] as unknown[]) : [];
      const seen = new Set(existing.map((e) => JSON.stringify((e as Doc)?.value ?? e)));
      parent[key] = [...existing, ...list.filter((e) => !seen.has(JSON.stringify((e as Doc)?.value ?? e)))];
    }
    return;
  }
  const current = parent[key];
  if (
    lowered !== null &&
    typeof lowered === 'object' &&
    !Array.isArray(lowered) &&
    current !== null &&
    typeof current === 'object' &&
    !Array.isArray(current)
  ) {
    parent[key] = { ...(current as Doc), ...(lowered as Doc) };
  } else parent[key] = lowered;
}

/** The attribute and value of a filter `a eq "v"`: what an element created by a filtered add/replace carries. */
function seed(filter: Filter): Doc | undefined {
  if (filter.kind === 'compare' && filter.op === 'eq' && filter.path.length === 1) {
    return { [filter.path[0] as string]: filter.value };
  }
  if (filter.kind === 'and') {
    const left = seed(filter.left);
    const right = seed(filter.right);
    return left && right ? { ...left, ...right } : undefined;
  }
  return undefined;
}

/** Applies one operation to a document (lower-case keys). */
export function applyOperation(doc: Doc, operation: PatchOperation): void {
  const { op, path, value } = operation;
  if (path === undefined) {
    if (op === 'remove') throw new ScimPatchError('remove needs a path.', 'noTarget');
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new ScimPatchError('A PATCH without a path needs an object value.', 'invalidValue');
    }
    // Okta's {"active": false}; Entra's dotted keys and the enterprise extension's URN keys.
    for (const [key, v] of Object.entries(value as Doc)) {
      let attr: string[];
      try {
        attr = attributePath(key);
      } catch {
        continue; // an unknown shape of key: ignored, as unknown attributes are
      }
      assign(doc, attr, v, op);
    }
    return;
  }
  const parsed = parsePath(path);
  if (!parsed.filter) {
    if (op === 'remove') {
      const { parent, key } = container(doc, parsed.attr, false);
      if (parent) delete parent[key];
      return;
    }
    assign(doc, parsed.attr, value, op);
    return;
  }
  const { parent, key } = container(doc, parsed.attr, op !== 'remove');
  const list = parent && Array.isArray(parent[key]) ? (parent[key] as Doc[]) : [];
  const hit = list.filter((element) => matches(element, parsed.filter as Filter));
  if (op === 'remove') {
    if (!parent) return;
    if (parsed.sub) for (const element of hit) delete element[parsed.sub];
    else parent[key] = list.filter((element) => !hit.includes(element));
    return;
  }
  if (!parent) return;
  const lowered = lowerKeys(value);
  if (hit.length === 0) {
    // Entra replaces `emails[type eq "work"].value` on a user with no work address yet: it is created.
    const base = seed(parsed.filter);
    if (!base) throw new ScimPatchError(`No value matches ${path}.`, 'noTarget');
    const element = parsed.sub ? { ...base, [parsed.sub]: lowered } : { ...base, ...(lowered as Doc) };
    parent[key] = [...list, element];
    return;
  }
  for (const element of hit) {
    if (parsed.sub) element[parsed.sub] = lowered;
    else if (lowered && typeof lowered === 'object' && !Array.isArray(lowered)) Object.assign(element, lowered);
  }
}

/** `true`, `"True"`, `"false"`… as a boolean (Entra without aadOptscim062020 sends strings); else undefined. */
export function booleanOf(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (word === 'true') return true;
    if (word === 'false') return false;
  }
  return undefined;
}

/** The member ids of a `members` value: `[{value}]`, `{value}`, or bare strings. */
function memberIds(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list.map((entry) => {
    const id = typeof entry === 'string' ? entry : (lowerKeys(entry) as Doc | null)?.value;
    if (typeof id !== 'string' || id === '') throw new ScimPatchError('A member is {"value": "<id>"}.', 'invalidValue');
    return id;
  });
}

/** What a group PATCH asks: its own field changes, and member ids to add and remove (or a full set). */
export interface GroupPatch {
  displayName?: string;
  externalId?: string | null;
  add: Set<string>;
  remove: Set<string>;
  /** `replace` of members, or remove-all: the members become exactly these (empty: none). */
  replace?: Set<string>;
}

function memberFilterIds(filter: Filter): string[] | undefined {
  if (filter.kind === 'compare' && filter.op === 'eq' && filter.path.join('.') === 'value') {
    return typeof filter.value === 'string' ? [filter.value] : undefined;
  }
  if (filter.kind === 'or') {
    const left = memberFilterIds(filter.left);
    const right = memberFilterIds(filter.right);
    return left && right ? [...left, ...right] : undefined;
  }
  return undefined;
}

export function groupPatch(operations: readonly PatchOperation[]): GroupPatch {
  const out: GroupPatch = { add: new Set(), remove: new Set() };
  const addMembers = (ids: string[]) => {
    for (const id of ids) {
      out.remove.delete(id);
      if (out.replace) out.replace.add(id);
      else out.add.add(id);
    }
  };
  const removeMembers = (ids: string[]) => {
    for (const id of ids) {
      out.add.delete(id);
      if (out.replace) out.replace.delete(id);
      else out.remove.add(id);
    }
  };
  const setField = (key: string, value: unknown, op: PatchOperation['op']) => {
    if (key === 'displayname') {
      if (op === 'remove' || typeof value !== 'string' || value.trim() === '') {
        throw new ScimPatchError('displayName is a required string.', 'invalidValue');
      }
      out.displayName = value;
    } else if (key === 'externalid') {
      out.externalId = op === 'remove' ? null : typeof value === 'string' ? value : null;
    } else if (key === 'members') {
      if (op === 'remove') {
        out.replace = new Set();
        out.add.clear();
        out.remove.clear();
      } else if (op === 'replace') {
        out.replace = new Set(memberIds(value));
        out.add.clear();
        out.remove.clear();
      } else addMembers(memberIds(value));
    }
    // Other attributes of a group are ignored, as unknown attributes are.
  };
  for (const operation of operations) {
    const { op, path, value } = operation;
    if (path === undefined) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new ScimPatchError('A PATCH without a path needs an object value.', 'invalidValue');
      }
      for (const [key, v] of Object.entries(value as Doc)) setField(key.toLowerCase(), v, op);
      continue;
    }
    const parsed = parsePath(path);
    const attr = parsed.attr.join('.');
    if (attr === 'members' && parsed.filter) {
      if (op !== 'remove') throw new ScimPatchError('Members are added with a value array.', 'invalidPath');
      const ids = memberFilterIds(parsed.filter);
      if (!ids) throw new ScimPatchError('Members are removed by members[value eq "<id>"].', 'invalidFilter');
      removeMembers(ids);
    } else if (attr === 'members' && op === 'remove' && value !== undefined && value !== null) {
      // Entra without aadOptscim062020: {"op": "Remove", "path": "members", "value": [{"value": "<id>"}]}.
      removeMembers(memberIds(value));
    } else setField(attr, value, op);
  }
  return out;
}
