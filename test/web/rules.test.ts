/** The pages validate as the API does: their password rules are the ones openapi.json states. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONSOLE_CSP, isPagePath, PAGE_PATHS } from '../../web/src/pages';
import { MAX_INTERVALS, PASSWORD_MAX, PASSWORD_MIN, PASSWORD_PATTERNS, passwordProblem } from '../../web/src/ui/rules';

// vitest runs from the repository root (import.meta.url is not a file: URL under happy-dom).
const document = JSON.parse(readFileSync(join(process.cwd(), 'openapi.json'), 'utf8'));

describe('password rules', () => {
  it('match the API’s password policy wherever a password is set', () => {
    const field = (path: string, name: string) =>
      document.paths[path].post.requestBody.content['application/json'].schema.properties[name];
    for (const schema of [
      field('/v1/auth/change-password', 'newPassword'),
      field('/v1/auth/new-password', 'newPassword'),
      field('/v1/auth/confirm-forgot-password', 'newPassword'),
      field('/v1/tenants/{tenantId}/users/{userId}/reset-password', 'password'),
    ]) {
      expect(schema.minLength).toBe(PASSWORD_MIN);
      expect(schema.maxLength).toBe(PASSWORD_MAX);
      expect(schema.allOf.map((p: { pattern: string }) => p.pattern)).toEqual([...PASSWORD_PATTERNS]);
    }
  });

  it('say what is missing, and pass a password the API accepts', () => {
    expect(passwordProblem('Short1A')).toMatch(/at least 12/);
    expect(passwordProblem('NOLOWERCASE123')).toBe('Add a lowercase letter.');
    expect(passwordProblem('nouppercase123')).toBe('Add an uppercase letter.');
    expect(passwordProblem('NoDigitsAtAllHere')).toBe('Add a digit.');
    expect(passwordProblem('Correct-Horse-42')).toBeUndefined();
  });
});

describe('working hours', () => {
  it('hold at most as many stretches a week as the API takes', () => {
    const body =
      document.paths['/v1/tenants/{tenantId}/users/{userId}/working-hours'].put.requestBody.content['application/json'];
    expect(body.schema.properties.weekly.maxItems).toBe(MAX_INTERVALS);
  });
});

describe('page paths', () => {
  it('are the hosted pages and the console screens, never the API', () => {
    for (const path of [
      '/',
      '/sign-in',
      '/accept-invitation',
      '/forgot-password',
      '/users',
      '/audit/',
      '/access-review',
    ]) {
      expect(isPagePath(path), path).toBe(true);
    }
    for (const path of ['/v1/health', '/docs', '/assets/index.js', '/favicon.svg', '/nope']) {
      expect(isPagePath(path), path).toBe(false);
    }
    expect(PAGE_PATHS.every((p) => p.startsWith('/'))).toBe(true);
  });

  it('carry a CSP with no inline script, no other origin and no framing', () => {
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).toContain("default-src 'none'");
    expect(CONSOLE_CSP).toContain("frame-ancestors 'none'");
    expect(CONSOLE_CSP).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
  });
});
