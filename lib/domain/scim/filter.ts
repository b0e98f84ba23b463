/**
 * SCIM filters (RFC 7644 §3.4.2.2) as identity providers send them: a real
 * parser for `eq ne co sw ew gt ge lt le pr`, `and`, `or`, `not`, parentheses
 * and value paths (`emails[type eq "work"]`), attribute names
 * case-insensitive, then an evaluator over a resource's SCIM representation.
 * Junk is a `ScimFilterError` (400 `invalidFilter`).
 */

export class ScimFilterError extends Error {
  override readonly name = 'ScimFilterError';
}

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type Literal = string | number | boolean | null;

export type Filter =
  | { kind: 'compare'; path: string[]; op: CompareOp; value: Literal }
  | { kind: 'present'; path: string[] }
  | { kind: 'and' | 'or'; left: Filter; right: Filter }
  | { kind: 'not'; filter: Filter }
  | { kind: 'valuePath'; path: string[]; filter: Filter };

type Token = { t: 'word'; v: string } | { t: 'string'; v: string } | { t: '(' | ')' | '[' | ']' } | { t: 'end' };

const OPS = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
/** The longest filter accepted: a bound on work, far above what an IdP sends. */
export const MAX_FILTER_LENGTH = 2_000;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(' || c === ')' || c === '[' || c === ']') {
      out.push({ t: c });
      i++;
    } else if (c === '"') {
      // A JSON string: escapes as JSON has them.
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) throw new ScimFilterError('An unterminated string in the filter.');
      try {
        out.push({ t: 'string', v: JSON.parse(text.slice(i, j + 1)) as string });
      } catch {
        throw new ScimFilterError('A malformed string in the filter.');
      }
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && !/[\s()[\]"]/.test(text[j] as string)) j++;
      out.push({ t: 'word', v: text.slice(i, j) });
      i = j;
    }
  }
  out.push({ t: 'end' });
  return out;
}

const ATTR = /^(?:urn:[A-Za-z0-9:._-]+:)?[A-Za-z$][\w$-]*(?:\.[A-Za-z$][\w$-]*)*$/;

/** `urn:…:User:manager.value` → ['urn:…:user', 'manager', 'value']; `name.givenName` → ['name', 'givenname']. */
export function attributePath(text: string): string[] {
  if (!ATTR.test(text)) throw new ScimFilterError(`“${text}” is not an attribute path.`);
  const lower = text.toLowerCase();
  if (lower.startsWith('urn:')) {
    const colon = lower.lastIndexOf(':');
    const schema = lower.slice(0, colon);
    const rest = lower.slice(colon + 1);
    return [schema, ...rest.split('.')];
  }
  return lower.split('.');
}

function literal(token: Token): Literal {
  if (token.t === 'string') return token.v;
  if (token.t !== 'word') throw new ScimFilterError('A comparison needs a value.');
  const word = token.v.toLowerCase();
  if (word === 'true') return true;
  if (word === 'false') return false;
  if (word === 'null') return null;
  if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(token.v)) return Number(token.v);
  throw new ScimFilterError(`“${token.v}” is not a value (strings are quoted).`);
}

export function parseFilter(text: string): Filter {
  if (text.length > MAX_FILTER_LENGTH) throw new ScimFilterError('The filter is too long.');
  const tokens = tokenize(text);
  let at = 0;
  let depth = 0;
  const peek = () => tokens[at] as Token;
  const next = () => tokens[at++] as Token;
  const isWord = (token: Token, word: string) => token.t === 'word' && token.v.toLowerCase() === word;

  function or(): Filter {
    let left = and();
    while (isWord(peek(), 'or')) {
      next();
      left = { kind: 'or', left, right: and() };
    }
    return left;
  }
  function and(): Filter {
    let left = unary();
    while (isWord(peek(), 'and')) {
      next();
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  }
  function unary(): Filter {
    if (isWord(peek(), 'not')) {
      next();
      if (peek().t !== '(') throw new ScimFilterError('not needs a parenthesised filter.');
      return { kind: 'not', filter: group() };
    }
    if (peek().t === '(') return group();
    return comparison();
  }
  function group(): Filter {
    next();
    if (++depth > 20) throw new ScimFilterError('The filter nests too deeply.');
    const inner = or();
    if (next().t !== ')') throw new ScimFilterError('A parenthesis is not closed.');
    depth--;
    return inner;
  }
  function comparison(): Filter {
    const head = next();
    if (head.t !== 'word') throw new ScimFilterError('An attribute was expected.');
    const path = attributePath(head.v);
    if (peek().t === '[') {
      next();
      if (++depth > 20) throw new ScimFilterError('The filter nests too deeply.');
      const inner = or();
      if (next().t !== ']') throw new ScimFilterError('A bracket is not closed.');
      depth--;
      return { kind: 'valuePath', path, filter: inner };
    }
    const opToken = next();
    if (opToken.t !== 'word') throw new ScimFilterError('An operator was expected.');
    const op = opToken.v.toLowerCase();
    if (op === 'pr') return { kind: 'present', path };
    if (!OPS.has(op)) throw new ScimFilterError(`“${opToken.v}” is not a filter operator.`);
    const value = literal(next());
    // What a comparison cannot mean is refused here, so evaluating a parsed filter never fails.
    if ((value === null || typeof value === 'boolean') && op !== 'eq' && op !== 'ne') {
      throw new ScimFilterError(`${String(value)} compares with eq or ne only.`);
    }
    if (typeof value === 'number' && (op === 'co' || op === 'sw' || op === 'ew')) {
      throw new ScimFilterError(`${op} compares strings, not numbers.`);
    }
    return { kind: 'compare', path, op: op as CompareOp, value };
  }

  const filter = or();
  if (peek().t !== 'end') throw new ScimFilterError('Unexpected text after the filter.');
  return filter;
}

/** Attributes compared exactly (RFC 7643: `caseExact`); every other string compares case-insensitively. */
const CASE_EXACT = new Set(['id', 'externalid']);

type Json = unknown;

function child(value: Json, name: string): Json[] {
  if (Array.isArray(value)) return value.flatMap((v) => child(v, name));
  if (value === null || typeof value !== 'object') return [];
  for (const [key, v] of Object.entries(value as Record<string, Json>)) {
    if (key.toLowerCase() === name) return v === undefined ? [] : Array.isArray(v) ? v : [v];
  }
  return [];
}

/** The values at a path (multi-valued attributes flatten: any of them may match). */
export function valuesAt(resource: Json, path: readonly string[]): Json[] {
  let current: Json[] = [resource];
  for (const name of path) current = current.flatMap((v) => child(v, name));
  return current;
}

function compare(actual: Json, op: CompareOp, expected: Literal, exact: boolean): boolean {
  // The parser admits only eq and ne for null and booleans, and no co/sw/ew for numbers.
  if (expected === null) return op === 'eq' ? actual === null : actual !== null;
  if (typeof expected === 'boolean') {
    const value = typeof actual === 'string' ? actual.toLowerCase() === 'true' : actual;
    return op === 'eq' ? value === expected : value !== expected;
  }
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return op === 'ne';
    switch (op) {
      case 'eq':
        return actual === expected;
      case 'ne':
        return actual !== expected;
      case 'gt':
        return actual > expected;
      case 'ge':
        return actual >= expected;
      case 'lt':
        return actual < expected;
      default:
        return actual <= expected;
    }
  }
  if (typeof actual !== 'string') return op === 'ne';
  const a = exact ? actual : actual.toLowerCase();
  const e = exact ? expected : expected.toLowerCase();
  switch (op) {
    case 'eq':
      return a === e;
    case 'ne':
      return a !== e;
    case 'co':
      return a.includes(e);
    case 'sw':
      return a.startsWith(e);
    case 'ew':
      return a.endsWith(e);
    case 'gt':
      return a > e;
    case 'ge':
      return a >= e;
    case 'lt':
      return a < e;
    case 'le':
      return a <= e;
  }
}

/** Whether a resource (its SCIM representation) matches the filter. */
export function matches(resource: Json, filter: Filter): boolean {
  switch (filter.kind) {
    case 'and':
      return matches(resource, filter.left) && matches(resource, filter.right);
    case 'or':
      return matches(resource, filter.left) || matches(resource, filter.right);
    case 'not':
      return !matches(resource, filter.filter);
    case 'present':
      return valuesAt(resource, filter.path).some((v) => v !== null && v !== '' && v !== undefined);
    case 'valuePath':
      return valuesAt(resource, filter.path).some((element) => matches(element, filter.filter));
    case 'compare': {
      const values = valuesAt(resource, filter.path);
      const exact = CASE_EXACT.has(filter.path[filter.path.length - 1] ?? '');
      if (filter.op === 'ne') return values.every((v) => compare(v, 'ne', filter.value, exact));
      return values.some((v) => compare(v, filter.op, filter.value, exact));
    }
  }
}

/** `userName eq "x"` (any case): the look-up an IdP makes before each create, served from the claim item. */
export function userNameEquality(filter: Filter): string | undefined {
  if (filter.kind !== 'compare' || filter.op !== 'eq' || typeof filter.value !== 'string') return undefined;
  return filter.path.length === 1 && filter.path[0] === 'username' ? filter.value : undefined;
}
