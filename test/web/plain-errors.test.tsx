/** Refusals in a person's words, not a developer's (issue 18 item 13). */
import { describe, expect, it } from 'vitest';
import { ApiProblem, describe as describeError, fieldLabel } from '../../web/src/api/problem';

describe('problems read as plain sentences', () => {
  it('names fields by their labels, not their paths', () => {
    const problem = new ApiProblem(400, {
      code: 'validation-failed',
      detail: 'Invalid request: body.name, body.teamIds.0.',
      errors: [
        { path: 'body.name', message: 'Must not be empty' },
        { path: 'body.teamIds.0', message: 'Unknown team.' },
      ],
    });
    expect(describeError(problem)).toBe('Name: Must not be empty. Teams: Unknown team.');
    expect(describeError(problem)).not.toMatch(/body\./);
  });

  it('says organisation where the API says tenant', () => {
    const problem = new ApiProblem(409, {
      code: 'last-admin',
      detail: 'This would leave the tenant without an active admin.',
    });
    expect(describeError(problem)).toBe('This would leave the organisation without an active admin.');
    expect(describeError(new ApiProblem(404, { detail: 'Tenant not found.' }))).toBe('Organisation not found.');
  });

  it('keeps the field messages for the form (by field) while the sentence is plain', () => {
    const problem = new ApiProblem(400, {
      detail: 'Invalid request: body.email.',
      errors: [{ path: 'body.email', message: 'Invalid email address' }],
    });
    expect(problem.fieldError('email')).toBe('Invalid email address');
    expect(problem.detail).toBe('Email: Invalid email address.');
  });

  it('labels unknown fields by their words', () => {
    expect(fieldLabel('body.someNewField')).toBe('Some new field');
    expect(fieldLabel('query.inactiveDays')).toBe('Signed in');
  });
});

describe('paths stay as they are', () => {
  it('never rewrites a URL path', () => {
    expect(new ApiProblem(404, { detail: 'No POST /v1/tenants/t1/users' }).detail).toBe('No POST /v1/tenants/t1/users');
  });
});
