/** Problem documents against RFC 9457 and the error table of lib/http/problems.ts. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError, ERROR_CODES, type ErrorCode } from '../../lib/domain/errors.ts';
import { transition } from '../../lib/domain/lifecycle.ts';
import { seatsView } from '../../lib/domain/seats.ts';
import { isTransient, PROBLEM_STATUS, problemType, toProblem } from '../../lib/http/problems.ts';

/** The required codes, transcribed; the rest are the standard HTTP statuses of their names. */
const DESIGN_STATUS: Record<string, number> = {
  'validation-failed': 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'email-taken': 409,
  'identity-shared': 409,
  'last-admin': 409,
  'owner-protected': 409,
  'invalid-transition': 409,
  'seat-limit-reached': 409,
  'precondition-failed': 412,
  'invitation-invalid': 410,
  'login-required': 401,
  'session-revoked': 401,
  // DESIGN §7 (enterprise sign-in): the sign-in's second step, and a tenant's MFA policy.
  'mfa-required': 401,
  'mfa-enrollment-required': 403,
  'domain-unverified': 409,
  'managed-by-directory': 409,
  // Single sign-on: a password sign-in the tenant's SSO policy refuses; an SSO sign-in that failed.
  'sso-required': 403,
  'sso-failed': 401,
};
const HTTP_STATUS: Record<string, number> = {
  'method-not-allowed': 405,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'too-many-requests': 429,
  'service-unavailable': 503,
};
/** Not in DESIGN §7's list: a signed-in caller refused until they choose their own password (§2a). */
const SESSION_STATUS: Record<string, number> = {
  'password-change-required': 403,
};
const EXPECTED_STATUS = { ...DESIGN_STATUS, ...HTTP_STATUS, ...SESSION_STATUS };

const CORRELATION = 'corr-0123456789';
const code = fc.constantFrom(...ERROR_CODES);

describe('code → status table', () => {
  it.each(Object.entries(DESIGN_STATUS))('%s is %i as documented', (c, status) => {
    expect(PROBLEM_STATUS[c as ErrorCode].status).toBe(status);
    expect(toProblem(new DomainError(c as ErrorCode, 'd'), CORRELATION).status).toBe(status);
  });

  it.each(Object.entries(HTTP_STATUS))('%s is the standard %i', (c, status) => {
    expect(PROBLEM_STATUS[c as ErrorCode].status).toBe(status);
  });

  it.each(Object.entries(SESSION_STATUS))('%s is %i (refused, not unauthenticated)', (c, status) => {
    expect(PROBLEM_STATUS[c as ErrorCode].status).toBe(status);
    expect(toProblem(new DomainError(c as ErrorCode, 'd'), CORRELATION).status).toBe(status);
  });

  it('every ErrorCode has a row, and the table has no other rows', () => {
    expect(Object.keys(PROBLEM_STATUS).sort()).toEqual([...ERROR_CODES].sort());
    for (const c of ERROR_CODES) expect(EXPECTED_STATUS[c], `no expected status for ${c}`).toBeDefined();
  });

  it('only service-unavailable is a 5xx; everything else is a client error', () => {
    for (const c of ERROR_CODES) {
      const { status } = PROBLEM_STATUS[c];
      if (c === 'service-unavailable') expect(status).toBe(503);
      else {
        expect(status, c).toBeGreaterThanOrEqual(400);
        expect(status, c).toBeLessThan(500);
      }
    }
  });

  it('every code has its own non-empty title', () => {
    const titles = ERROR_CODES.map((c) => PROBLEM_STATUS[c].title);
    for (const t of titles) expect(t.trim().length).toBeGreaterThan(0);
    expect(new Set(titles).size).toBe(titles.length);
  });
});

describe('problem type URIs', () => {
  it('are absolute URIs, one per code, and include the code', () => {
    const types = [...ERROR_CODES, 'internal-error' as const].map((c) => problemType(c));
    expect(new Set(types).size).toBe(types.length);
    for (const [i, c] of [...ERROR_CODES, 'internal-error'].entries()) {
      const type = types[i] as string;
      expect(type).toMatch(/^[a-z][a-z0-9+.-]*:\S+$/);
      expect(type).toContain(c);
      expect(() => new URL(type)).not.toThrow();
    }
  });
});

describe('toProblem for domain errors', () => {
  it.each(ERROR_CODES)('%s: type, title, status, detail, code, correlation id', (c) => {
    const problem = toProblem(new DomainError(c, `Detail for ${c}.`), CORRELATION);
    expect(problem).toMatchObject({
      type: problemType(c),
      title: PROBLEM_STATUS[c].title,
      status: EXPECTED_STATUS[c],
      detail: `Detail for ${c}.`,
      code: c,
      correlationId: CORRELATION,
    });
  });

  it('seat-limit-reached carries the seats usage', () => {
    const seats = seatsView(3, 3);
    const problem = toProblem(new DomainError('seat-limit-reached', 'All 3 seats are in use.', { seats }), 'c');
    expect(problem.status).toBe(409);
    expect(problem.seats).toEqual({ used: 3, limit: 3, available: 0 });
  });

  it('validation-failed carries errors [{path, message}]', () => {
    const errors = [{ path: 'body.email', message: 'Invalid email' }];
    const problem = toProblem(new DomainError('validation-failed', 'The request is invalid.', { errors }), 'c');
    expect(problem.status).toBe(400);
    expect(problem.errors).toEqual(errors);
  });

  it('extensions cannot overwrite the RFC 9457 members', () => {
    const error = new DomainError('forbidden', 'No.', {
      type: 'https://evil.example',
      title: 'Fine',
      status: 200,
      detail: 'All good',
      code: 'not-found',
      correlationId: 'spoofed',
    });
    expect(toProblem(error, CORRELATION)).toMatchObject({
      type: problemType('forbidden'),
      title: PROBLEM_STATUS.forbidden.title,
      status: 403,
      detail: 'No.',
      code: 'forbidden',
      correlationId: CORRELATION,
    });
  });

  it('a refused lifecycle step is a 409 invalid-transition with a numeric status', () => {
    let caught: unknown;
    try {
      transition('deactivated', 'suspend');
    } catch (error) {
      caught = error;
    }
    const problem = toProblem(caught, CORRELATION);
    expect(problem.status).toBe(409);
    expect(problem.code).toBe('invalid-transition');
    expect(problem.detail.length).toBeGreaterThan(0);
  });

  it('property: a problem is JSON with the designed members for any code and detail', () => {
    fc.assert(
      fc.property(code, fc.string(), (c, detail) => {
        const problem = JSON.parse(JSON.stringify(toProblem(new DomainError(c, detail), CORRELATION)));
        expect(problem.type).toBe(problemType(c));
        expect(problem.status).toBe(EXPECTED_STATUS[c]);
        expect(problem.detail).toBe(detail);
        expect(problem.code).toBe(c);
        expect(typeof problem.title).toBe('string');
      }),
    );
  });
});

describe('toProblem for anything else: a generic 500 that leaks nothing', () => {
  const SECRET = 'arn:aws:dynamodb:eu-west-1:123456789012:table/roster-secret';
  const unknowns: [string, unknown][] = [
    ['an Error', new Error(`Cannot read properties of undefined at ${SECRET}`)],
    ['a TypeError', new TypeError(`x is not a function (${SECRET})`)],
    [
      'a ConditionalCheckFailedException',
      Object.assign(new Error(SECRET), { name: 'ConditionalCheckFailedException' }),
    ],
    [
      'a TransactionCanceledException with a failed condition',
      Object.assign(new Error(SECRET), {
        name: 'TransactionCanceledException',
        CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
      }),
    ],
    ['an Error that looks like a DomainError', Object.assign(new Error(SECRET), { code: 'not-found', status: 404 })],
    ['a plain object', { message: SECRET, code: 'forbidden' }],
    ['a string', SECRET],
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
  ];

  it.each(unknowns)('%s becomes a 500 internal-error', (_name, error) => {
    const problem = toProblem(error, CORRELATION);
    expect(problem.status).toBe(500);
    expect(problem.code).toBe('internal-error');
    expect(problem.type).toBe(problemType('internal-error'));
    expect(problem.title.length).toBeGreaterThan(0);
    expect(problem.detail.length).toBeGreaterThan(0);
    expect(problem.correlationId).toBe(CORRELATION);
  });

  it.each(unknowns)('%s: the document says nothing internal', (_name, error) => {
    const json = JSON.stringify(toProblem(error, CORRELATION));
    expect(json).not.toContain(SECRET);
    expect(json).not.toContain('123456789012');
    expect(json).not.toContain('arn:aws');
    expect(json).not.toMatch(/stack|at .+:\d+:\d+|Exception|TypeError|undefined/);
    expect(Object.keys(JSON.parse(json)).sort()).toEqual([
      'code',
      'correlationId',
      'detail',
      'status',
      'title',
      'type',
    ]);
  });

  it('the 500 carries the correlation id so the log line can be found', () => {
    const problem = toProblem(new Error('boom'), 'abc-123');
    expect(problem.correlationId).toBe('abc-123');
  });

  it('property: no thrown value that is not a DomainError or transient ever yields a non-500 or echoes its message', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 8 }), fc.string({ minLength: 1 }), (message, name) => {
        const error = Object.assign(new Error(`SECRET:${message}`), { name: `X${name}` });
        fc.pre(!isTransient(error));
        const problem = toProblem(error, CORRELATION);
        expect(problem.status).toBe(500);
        expect(JSON.stringify(problem)).not.toContain(`SECRET:${message}`);
      }),
    );
  });
});

describe('transient AWS errors become 503, not 500, and leak nothing', () => {
  it.each([
    'ProvisionedThroughputExceededException',
    'ThrottlingException',
    'RequestLimitExceeded',
    'TransactionConflictException',
    'TooManyRequestsException',
  ])('%s → 503 service-unavailable', (name) => {
    const error = Object.assign(new Error(`Rate exceeded for ${'arn:aws:dynamodb:x'}`), { name });
    expect(isTransient(error)).toBe(true);
    const problem = toProblem(error, CORRELATION);
    expect(problem.status).toBe(503);
    expect(problem.code).toBe('service-unavailable');
    expect(JSON.stringify(problem)).not.toContain('arn:aws');
  });

  it('a transaction cancelled only by conflicts is transient', () => {
    const error = Object.assign(new Error('cancelled'), {
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
    });
    expect(isTransient(error)).toBe(true);
    expect(toProblem(error, CORRELATION).status).toBe(503);
  });

  it('a transaction cancelled by a failed condition is not transient', () => {
    const error = Object.assign(new Error('cancelled'), {
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'ConditionalCheckFailed' }],
    });
    expect(isTransient(error)).toBe(false);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'ThrottlingException'],
    ['a DomainError', new DomainError('conflict', 'x')],
    ['a ValidationException', Object.assign(new Error('x'), { name: 'ValidationException' })],
  ])('%s is not transient', (_name, value) => {
    expect(isTransient(value)).toBe(false);
  });
});
