/**
 * The user routes' authorizer (lib/http/authorizer.ts): what reaches which
 * check. A bearer that starts `rst_` is judged as an API key only — never
 * handed to the JWT verifier — and a malformed one is refused without a read;
 * a failing key read refuses rather than throws; the Lambda handler turns a
 * refusal into `Unauthorized` (API Gateway's 401).
 */
import { describe, expect, it, vi } from 'vitest';
import { parseApiKey } from '../../lib/domain/api-keys.ts';
import { userOrKeyAuthorizer } from '../../lib/http/authorizer.ts';

const KEY = `rst_acme.${'0'.repeat(26)}.${'A'.repeat(43)}`;

describe('userOrKeyAuthorizer', () => {
  it('passes a JWT to the JWT check only, with its claims as the context', async () => {
    const jwt = vi.fn(async () => ({ claims: { sub: 'u-1' } }));
    const key = vi.fn(async () => true);
    const verdict = await userOrKeyAuthorizer(jwt, key)('Bearer eyJ.a.b');
    expect(verdict).toEqual({ isAuthorized: true, context: { principal: 'user', claims: { sub: 'u-1' } } });
    expect(key).not.toHaveBeenCalled();
  });

  it('judges an rst_ bearer as a key only: its tenant and id in the context', async () => {
    const jwt = vi.fn(async () => ({ claims: { sub: 'u-1' } }));
    const key = vi.fn(async () => true);
    const verdict = await userOrKeyAuthorizer(jwt, key)(`Bearer ${KEY}`);
    expect(verdict).toEqual({
      isAuthorized: true,
      context: { principal: 'apiKey', tenantId: 'acme', keyId: '0'.repeat(26) },
    });
    expect(jwt).not.toHaveBeenCalled();
  });

  it.each([
    'rst_',
    `${KEY}x`,
    `rst_ACME.${'0'.repeat(26)}.${'A'.repeat(43)}`,
    `rst_acme.${'0'.repeat(25)}.${'A'.repeat(43)}`,
    `rst_acme.${'0'.repeat(26)}.${'A'.repeat(42)}!`,
  ])('refuses the malformed key %s without reading anything', async (bearer) => {
    const jwt = vi.fn(async () => ({ claims: { sub: 'u-1' } }));
    const key = vi.fn(async () => true);
    expect((await userOrKeyAuthorizer(jwt, key)(`Bearer ${bearer}`)).isAuthorized).toBe(false);
    expect(key).not.toHaveBeenCalled();
    expect(jwt).not.toHaveBeenCalled();
    expect(parseApiKey(bearer)).toBeUndefined();
  });

  it('refuses a key that is not live, and one whose read fails', async () => {
    const jwt = vi.fn(async () => ({ rejected: 'no' }));
    expect((await userOrKeyAuthorizer(jwt, async () => false)(`Bearer ${KEY}`)).isAuthorized).toBe(false);
    const failing = async () => {
      throw new Error('throttled');
    };
    expect((await userOrKeyAuthorizer(jwt, failing)(`Bearer ${KEY}`)).isAuthorized).toBe(false);
  });

  it('refuses what the JWT check rejects, and no header at all', async () => {
    const jwt = vi.fn(async () => ({ rejected: 'expired' }));
    const authorize = userOrKeyAuthorizer(jwt, async () => true);
    expect(await authorize('Bearer eyJ.a.b')).toEqual({ isAuthorized: false, reason: 'expired' });
    expect((await authorize(undefined)).isAuthorized).toBe(false);
  });
});
