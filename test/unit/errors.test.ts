/** Domain errors against the required set (stable codes). */
import { describe, expect, it } from 'vitest';
import {
  conflict,
  DomainError,
  ERROR_CODES,
  type ErrorCode,
  forbidden,
  isDomainError,
  notFound,
} from '../../lib/domain/errors.ts';

/** The codes the API promises at least. */
const DESIGN_CODES = [
  'validation-failed',
  'unauthenticated',
  'forbidden',
  'not-found',
  'conflict',
  'email-taken',
  'identity-shared',
  'last-admin',
  'owner-protected',
  'invalid-transition',
  'seat-limit-reached',
  'precondition-failed',
  'invitation-invalid',
];

describe('ERROR_CODES', () => {
  it.each(DESIGN_CODES)('includes the designed code %s', (code) => {
    expect(ERROR_CODES).toContain(code);
  });

  it('has no duplicates', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });

  it('every code is kebab-case, usable as a problem type URI fragment', () => {
    for (const code of ERROR_CODES) expect(code).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });
});

describe('DomainError', () => {
  it('carries code, detail as message, and extensions', () => {
    const seats = { used: 3, limit: 3, available: 0 };
    const error = new DomainError('seat-limit-reached', 'All 3 seats are in use.', { seats });
    expect(error.code).toBe('seat-limit-reached');
    expect(error.message).toBe('All 3 seats are in use.');
    expect(error.extensions).toEqual({ seats });
  });

  it('defaults to no extensions', () => {
    expect(new DomainError('conflict', 'x').extensions).toEqual({});
  });

  it('is an Error named DomainError with a stack', () => {
    const error = new DomainError('forbidden', 'no');
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(DomainError);
    expect(error.name).toBe('DomainError');
    expect(typeof error.stack).toBe('string');
  });

  it.each(ERROR_CODES)('can be built with every code (%s)', (code) => {
    expect(new DomainError(code as ErrorCode, 'd').code).toBe(code);
  });

  it('separate errors do not share an extensions object', () => {
    const a = new DomainError('conflict', 'a');
    const b = new DomainError('conflict', 'b');
    (a.extensions as Record<string, unknown>).leak = true;
    expect(b.extensions).toEqual({});
  });
});

describe('isDomainError', () => {
  it('true for a DomainError', () => {
    expect(isDomainError(new DomainError('not-found', 'x'))).toBe(true);
  });

  it.each([
    ['a plain Error', new Error('boom')],
    ['a TypeError', new TypeError('boom')],
    ['a look-alike object', { name: 'DomainError', code: 'not-found', message: 'x' }],
    ['an Error with a code', Object.assign(new Error('x'), { code: 'conflict' })],
    ['a string', 'not-found'],
    ['null', null],
    ['undefined', undefined],
  ])('false for %s', (_name, value) => {
    expect(isDomainError(value)).toBe(false);
  });
});

describe('helpers', () => {
  it('notFound is not-found and names the thing', () => {
    const error = notFound('Member u1');
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe('not-found');
    expect(error.message).toContain('Member u1');
  });

  it('forbidden is forbidden with the given detail', () => {
    const error = forbidden('You need users:edit.');
    expect(error.code).toBe('forbidden');
    expect(error.message).toBe('You need users:edit.');
  });

  it('conflict is conflict with the given detail', () => {
    const error = conflict('Version mismatch.');
    expect(error.code).toBe('conflict');
    expect(error.message).toBe('Version mismatch.');
  });
});
