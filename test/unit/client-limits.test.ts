/**
 * The pieces of the per-client limits that need no server: which peers are
 * loopback (only they may name a client in X-Forwarded-For, and only they
 * read the local event feed), which paths are credential paths, and which
 * settings are refused. test/e2e/client-limits.test.ts drives them over real
 * sockets.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CLIENT_LIMITS,
  isCredentialPath,
  TOO_MANY_REQUESTS_PROBLEM,
  validClientLimits,
} from '../../infra/client-limits.ts';
import { isLoopback } from '../../infra/local/gateway.ts';
import { PROBLEM_STATUS, problemType } from '../../lib/http/problems.ts';

describe('isLoopback', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'])('%s is loopback', (address) => {
    expect(isLoopback(address)).toBe(true);
  });
  it.each(['192.0.2.2', '::ffff:192.0.2.2', 'fd00::2', '0.0.0.0', '127.0.0.1.example', '', undefined])(
    '%s is not',
    (address) => {
      expect(isLoopback(address)).toBe(false);
    },
  );
});

describe('credential paths', () => {
  it('are the sign-in, token and invitation-by-token paths, nothing tenant-scoped', () => {
    for (const path of ['/v1/auth/login', '/v1/auth/refresh', '/v1/invitations/accept', '/v1/invitations/preview'])
      expect(isCredentialPath(path), path).toBe(true);
    for (const path of ['/v1/health', '/v1/tenants/t1/invitations', '/v1/me', '/v1/authx', '/auth/login'])
      expect(isCredentialPath(path), path).toBe(false);
  });
});

describe('limits', () => {
  it('default to 600 a minute per client, 60 on credential paths', () => {
    expect(DEFAULT_CLIENT_LIMITS).toEqual({ windowSeconds: 60, requests: 600, credentialRequests: 60 });
  });

  it('refuse non-positive values and a credential limit above the overall one', () => {
    expect(() => validClientLimits({ windowSeconds: 0, requests: 1, credentialRequests: 1 }, 'x')).toThrow(
      /windowSeconds/,
    );
    expect(() => validClientLimits({ windowSeconds: 60, requests: 1.5, credentialRequests: 1 }, 'x')).toThrow(
      /requests/,
    );
    expect(() => validClientLimits({ windowSeconds: 60, requests: 5, credentialRequests: 6 }, 'x')).toThrow(/exceed/);
  });

  it('answer with the problem the API uses for 429', () => {
    expect(TOO_MANY_REQUESTS_PROBLEM).toMatchObject({
      type: problemType('too-many-requests'),
      status: PROBLEM_STATUS['too-many-requests'].status,
      code: 'too-many-requests',
    });
  });
});
