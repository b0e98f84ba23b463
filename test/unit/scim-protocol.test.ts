/**
 * SCIM's protocol pieces without a stack: the filter parser and evaluator
 * (RFC 7644 §3.4.2.2), the PATCH interpreter with Okta's and Entra's quirks,
 * the user mapping of DESIGN §6a, and the token shape.
 */
import { describe, expect, it } from 'vitest';
import { matches, parseFilter, ScimFilterError } from '../../lib/domain/scim/filter.ts';
import { applyOperation, groupPatch, lowerKeys, patchOperations } from '../../lib/domain/scim/patch.ts';
import { issueScimToken, parseScimToken, secretMatches } from '../../lib/domain/scim/tokens.ts';
import { memberEmail, memberName, userDoc, userInput } from '../../lib/domain/scim/users.ts';

const ann = {
  userName: 'Ann.Lee@Acme.example',
  externalId: 'Ext-1',
  displayName: 'Ann Lee',
  active: true,
  emails: [
    { value: 'ann@home.example', type: 'home' },
    { value: 'ann@acme.example', type: 'work', primary: true },
  ],
  meta: { created: '2026-03-01T09:30:00.000Z' },
  name: { givenName: 'Ann', familyName: 'Lee' },
};

describe('filters', () => {
  it.each([
    ['userName eq "ann.lee@acme.example"', true], // userName is caseExact false
    ['USERNAME Eq "ANN.LEE@ACME.EXAMPLE"', true], // attribute names and operators in any case
    ['externalId eq "ext-1"', false], // externalId is caseExact
    ['externalId eq "Ext-1"', true],
    ['emails.value eq "ann@home.example"', true], // any of a multi-valued attribute
    ['emails[type eq "work" and value co "acme"]', true],
    ['emails[type eq "work" and value co "home"]', false],
    ['displayName sw "Ann" and displayName ew "Lee"', true],
    ['displayName co "x" or (name.givenName eq "Ann" and not (active eq false))', true],
    ['meta.created gt "2026-01-01T00:00:00Z"', true],
    ['meta.created lt "2026-01-01T00:00:00Z"', false],
    ['title pr', false],
    ['externalId pr', true],
    ['userName ne "x"', true],
    ['active eq true', true],
  ])('%s → %s', (filter, expected) => {
    expect(matches(ann, parseFilter(filter))).toBe(expected);
  });

  it.each([
    'userName eq',
    'userName equals "x"',
    'userName eq "x" and',
    '(userName eq "x"',
    'userName eq x',
    '"x" eq userName',
    'userName eq "x") or (',
    'emails[type eq "work"',
    'a eq "unterminated',
    'active gt true',
  ])('junk is refused: %s', (filter) => {
    expect(() => {
      const parsed = parseFilter(filter);
      matches(ann, parsed);
    }).toThrow(ScimFilterError);
  });
});

describe('PATCH', () => {
  const doc = () =>
    userDoc({ userName: 'ann', name: { givenName: 'Ann' }, emails: [{ value: 'a@x.example', type: 'work' }] }, true);

  it('reads op in any case and Operations under any key case', () => {
    const ops = patchOperations({ operations: [{ OP: 'Replace', Path: 'active', Value: 'False' }] });
    expect(ops).toEqual([{ op: 'replace', path: 'active', value: 'False' }]);
    expect(() => patchOperations({ Operations: [{ op: 'merge', path: 'x' }] })).toThrow();
    expect(() => patchOperations({ Operations: [{ op: 'remove' }] })).toThrow();
  });

  it('Okta: a path-less replace with {active: false}', () => {
    const d = doc();
    applyOperation(d, { op: 'replace', value: { active: false } });
    expect(userInput(d, { active: true }).active).toBe(false);
  });

  it('Entra without aadOptscim062020: string booleans "False"/"True" are booleans, never dropped', () => {
    const d = doc();
    applyOperation(d, { op: 'replace', path: 'active', value: 'False' });
    expect(userInput(d, { active: true }).active).toBe(false);
    applyOperation(d, { op: 'replace', value: { active: 'True' } });
    expect(userInput(d, { active: false }).active).toBe(true);
    applyOperation(d, { op: 'replace', path: 'active', value: 'maybe' });
    expect(() => userInput(d, { active: true })).toThrow();
  });

  it('Entra: dotted keys and enterprise URN keys in a path-less replace; add ≡ replace for single values', () => {
    const d = doc();
    applyOperation(d, {
      op: 'add',
      value: {
        'name.familyName': 'Lee',
        displayName: 'Ann Lee',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department': 'Support',
      },
    });
    applyOperation(d, { op: 'add', path: 'name.givenName', value: 'Anne' });
    const { state } = userInput(d, { active: true });
    expect(state.name).toEqual({ givenName: 'Anne', familyName: 'Lee' });
    expect(state.displayName).toBe('Ann Lee');
    expect(state.enterprise).toEqual({ department: 'Support' });
  });

  it('Entra: emails[type eq "work"].value replaced (and created when absent); a filtered remove removes', () => {
    const d = doc();
    applyOperation(d, { op: 'replace', path: 'emails[type eq "work"].value', value: 'new@x.example' });
    expect(userInput(d, { active: true }).state.emails).toEqual([{ value: 'new@x.example', type: 'work' }]);
    applyOperation(d, { op: 'replace', path: 'emails[type eq "home"].value', value: 'h@x.example' });
    expect(userInput(d, { active: true }).state.emails).toHaveLength(2);
    applyOperation(d, { op: 'remove', path: 'emails[type eq "home"]' });
    expect(userInput(d, { active: true }).state.emails).toEqual([{ value: 'new@x.example', type: 'work' }]);
  });

  it('groups: members added by value array, removed by filter or by value array (Entra), removed all, replaced', () => {
    expect(
      groupPatch([
        { op: 'add', path: 'members', value: [{ value: 'a' }, { value: 'b' }] },
        { op: 'remove', path: 'members[value eq "b"]' },
        { op: 'remove', path: 'members', value: [{ value: 'c' }] },
      ]),
    ).toEqual({ add: new Set(['a']), remove: new Set(['b', 'c']) });
    expect(groupPatch([{ op: 'remove', path: 'members' }]).replace).toEqual(new Set());
    expect(groupPatch([{ op: 'replace', path: 'members', value: [{ value: 'x' }] }]).replace).toEqual(new Set(['x']));
    expect(groupPatch([{ op: 'replace', value: { id: 'g', displayName: 'Renamed' } }]).displayName).toBe('Renamed');
    expect(() => groupPatch([{ op: 'remove', path: 'members[display eq "x"]' }])).toThrow();
  });
});

describe('users (DESIGN §6a)', () => {
  it('the member email: primary, then work, then others, then userName; invalid ones skipped', () => {
    expect(
      memberEmail({
        userName: 'u',
        emails: [
          { value: 'not-an-address', primary: true },
          { value: 'W@x.example', type: 'work' },
        ],
      }),
    ).toBe('w@x.example');
    expect(
      memberEmail({ userName: 'u', emails: [{ value: 'o@x.example' }, { value: 'p@x.example', primary: true }] }),
    ).toBe('p@x.example');
    expect(memberEmail({ userName: 'U@x.example' })).toBe('u@x.example');
    expect(() => memberEmail({ userName: 'no-address' })).toThrow();
  });

  it('the name: given and family, else formatted, else displayName; no links', () => {
    expect(memberName({ userName: 'u', name: { givenName: 'Ann', familyName: 'Lee', formatted: 'X' } })).toBe(
      'Ann Lee',
    );
    expect(memberName({ userName: 'u', name: { formatted: 'Ann Lee' } })).toBe('Ann Lee');
    expect(memberName({ userName: 'u', displayName: 'Ann' })).toBe('Ann');
    expect(() => memberName({ userName: 'u', displayName: 'Visit evil.com now' })).toThrow();
  });

  it('unknown attributes (Okta sends a password) are ignored, never kept', () => {
    const { state } = userInput(lowerKeys({ userName: 'u@x.example', password: 'Secret123!', locale: 'en' }) as never, {
      active: true,
    });
    expect(JSON.stringify(state)).not.toContain('Secret123');
  });
});

describe('tokens', () => {
  it('rsc_<tenant>.<id>.<256-bit secret>: parsed back, the hash matches only the secret', () => {
    const { token, hash } = issueScimToken('acme-1', '01jnq7x4m2a8b6c9d0e1f2g3h4');
    const parsed = parseScimToken(`Bearer ${token}`);
    expect(parsed).toMatchObject({ tenantId: 'acme-1', tokenId: '01jnq7x4m2a8b6c9d0e1f2g3h4' });
    expect(Buffer.from(parsed?.secret ?? '', 'base64url')).toHaveLength(32);
    expect(secretMatches(parsed?.secret ?? '', hash)).toBe(true);
    const flipped = `${parsed?.secret.slice(0, -1)}${parsed?.secret.endsWith('A') ? 'B' : 'A'}`;
    expect(secretMatches(flipped, hash)).toBe(false);
    expect(parseScimToken('Bearer rst_abc')).toBeUndefined();
    expect(parseScimToken(`Bearer ${token}x`)).toBeUndefined();
  });
});
