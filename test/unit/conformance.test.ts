/**
 * The e2e conformance check (test/support/conformance.ts) can fail: it finds
 * the operation of a response in the published document and reports an
 * undocumented status, a body that breaks its schema, an undocumented media
 * type and a missing required header — and passes a response that obeys.
 */
import { describe, expect, it } from 'vitest';
import { type ObservedResponse, violationsOf } from '../../test/support/conformance.ts';

const member = {
  id: 'u-1',
  tenantId: 'acme',
  email: 'ann@acme.example',
  name: 'Ann',
  role: 'agent',
  grants: [],
  crmAccess: true,
  status: 'active',
  availability: 'online',
  effectiveAvailability: 'online',
  workingHours: null,
  teamIds: [],
  lastLoginAt: null,
  inactiveSince: '2026-03-01T09:30:00.000Z',
  invitedAt: null,
  invitationExpiresAt: null,
  invitationDelivery: null,
  managedBy: null,
  createdAt: '2026-03-01T09:30:00.000Z',
};

const response = (over: Partial<ObservedResponse> & { json?: unknown }): ObservedResponse => ({
  method: 'GET',
  url: '/v1/tenants/acme/users/u-1',
  status: 200,
  headers: { 'content-type': 'application/json; charset=utf-8', etag: '"v3"' },
  body: Buffer.from(JSON.stringify(over.json ?? member)),
  ...over,
});

describe('violationsOf', () => {
  it('passes a response that obeys the document', () => {
    expect(violationsOf(response({}))).toEqual([]);
  });

  it('reports a body that breaks its schema', () => {
    const [found] = violationsOf(response({ json: { ...member, status: 'sleeping', extra: 1 } })) ?? [];
    expect(found).toMatch(/getMember.*does not match its schema/);
  });

  it('reports an undocumented status, media type or a missing required header', () => {
    expect(violationsOf(response({ status: 418 }))?.[0]).toMatch(/status 418 is not documented/);
    expect(violationsOf(response({ headers: { 'content-type': 'text/plain', etag: '"v3"' } }))?.[0]).toMatch(
      /media type text\/plain is not documented/,
    );
    expect(violationsOf(response({ headers: { 'content-type': 'application/json' } }))?.[0]).toMatch(
      /required header etag is missing/,
    );
  });

  it('holds a problem to the codes its status documents', () => {
    const problem = (code: string) =>
      response({
        status: 409,
        url: '/v1/tenants/acme/roles/sales',
        method: 'DELETE',
        headers: { 'content-type': 'application/problem+json' },
        json: { type: `urn:roster:problem:${code}`, title: 'Conflict', status: 409, detail: 'x', code, holders: 2 },
      });
    expect(violationsOf(problem('conflict'))).toEqual([]);
    expect(violationsOf(problem('seat-limit-reached'))?.[0]).toMatch(/does not match its schema/);
  });

  it('holds nothing that is not an operation of the document to it', () => {
    expect(violationsOf(response({ url: '/nowhere' }))).toBeUndefined();
    expect(violationsOf(response({ method: 'PUT' }))).toBeUndefined();
  });
});
