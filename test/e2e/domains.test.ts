/**
 * Verified domains over HTTP against the real emulators and the local DNS
 * server (DESIGN §1 "Enterprise sign-in", §2a rules 13–14): an admin adds a
 * domain, publishes its TXT record through `/local/dns`, verifies it; the
 * attacks — another tenant's verified domain, free-mail and public-suffix
 * names, a manager or custom role, another tenant's reach — write nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { unique } from './client.ts';
import { identitySuite, type Person, type Tenant } from './identity-kit.ts';

const { api, kit } = identitySuite();

let a: Tenant;
let b: Tenant;
let manager: Person;
let settingsRole: Person;

const domains = (t: { tenantId: string }) => `/v1/tenants/${t.tenantId}/domains`;
const list = async (t: Tenant, token = t.ownerToken) => api.call('GET', domains(t), { token });
const add = (t: Tenant, domain: string, token = t.ownerToken) =>
  api.call('POST', domains(t), { token, body: { domain } });
const verify = (t: Tenant, domain: string, token = t.ownerToken) =>
  api.call('POST', `${domains(t)}/${domain}/verify`, { token });
const publish = async (name: string, value: string) => {
  const res = await api.call('POST', '/local/dns', { body: { name, type: 'TXT', value } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
};
const unpublish = async (name: string) => {
  expect((await api.call('DELETE', '/local/dns', { body: { name } })).status).toBe(200);
};
const fresh = () => `acme-${unique()}.com`;

beforeAll(async () => {
  [a, b] = await Promise.all([api.tenantWithOwner('scale', 'dom-a'), api.tenantWithOwner('scale', 'dom-b')]);
  const roleId = await kit.customRole(a, [
    'settings:view',
    'settings:manage',
    'users:view',
    'users:create',
    'roles:view',
  ]);
  [manager, settingsRole] = await Promise.all([
    kit.join(a, 'dom-manager', { role: 'manager' }),
    kit.join(a, 'dom-settings', { role: 'custom', roleId }),
  ]);
});

describe('an admin proves a domain', () => {
  it('adds it (pending, with the TXT record to publish), verifies it once the record is published', async () => {
    const domain = fresh();
    const added = await add(a, `  ${domain.toUpperCase()}. `);
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body).toMatchObject({
      domain,
      status: 'pending',
      verification: {
        type: 'TXT',
        name: `_roster-challenge.${domain}`,
        value: expect.stringMatching(/^roster-verification=.{32}/),
      },
      enablesSignIn: false,
    });
    expect(added.headers.get('location')).toBe(`${domains(a)}/${domain}`);
    // Not published yet: the lookup fails, and says so.
    const early = await verify(a, domain);
    expect(early.status).toBe(200);
    expect(early.body).toMatchObject({ status: 'failed', enablesSignIn: false });
    // A record with another value proves nothing.
    await publish(added.body.verification.name, 'roster-verification=someone-else');
    expect((await verify(a, domain)).body.status).toBe('failed');
    await publish(added.body.verification.name, added.body.verification.value);
    const done = await verify(a, domain);
    expect(done.body).toMatchObject({ status: 'verified', enablesSignIn: true, flaggedAt: null });
    expect((await list(a)).body.items).toEqual([expect.objectContaining({ domain, status: 'verified' })]);
    const actions = (await kit.audit(a)).filter((e) => e.target.id === domain).map((e) => e.action);
    expect(actions).toEqual(['domain.verified', 'domain.failed', 'domain.added']);
  });
});

describe('attacks', () => {
  it('refuses free-mail domains, public suffixes, IP literals and malformed names — nothing written', async () => {
    const before = (await list(b)).body.items.length;
    for (const domain of [
      'gmail.com',
      'GoogleMail.com',
      'outlook.com',
      'proton.me',
      'com',
      'co.uk',
      'github.io',
      'herokuapp.com',
      '192.168.1.10',
      '[::1]',
      'localhost',
      'acme.test',
      'acme..com',
      '-acme.com',
      'acme.com/evil',
      'ac me.com',
    ]) {
      const res = await add(b, domain);
      expect(res.status, domain).toBe(400);
      expect(res.body.code).toBe('validation-failed');
    }
    expect((await list(b)).body.items.length).toBe(before);
  });

  it('another tenant’s verified domain can be neither added nor verified, even with the record published', async () => {
    const domain = fresh();
    // B adds it first (pending), A then proves it.
    const bPending = await add(b, domain);
    expect(bPending.status).toBe(201);
    const aAdded = await add(a, domain);
    await publish(aAdded.body.verification.name, aAdded.body.verification.value);
    expect((await verify(a, domain)).body.status).toBe('verified');
    // B publishes its own challenge too: still refused, and told only that another organisation holds it.
    await publish(bPending.body.verification.name, bPending.body.verification.value);
    const stolen = await verify(b, domain);
    expect(stolen.status).toBe(409);
    expect(stolen.body.code).toBe('conflict');
    expect(stolen.body.detail).toContain('another organisation');
    expect(JSON.stringify(stolen.body)).not.toContain(a.tenantId);
    const again = await add(b, `sub.${domain}`.replace('sub.', ''));
    expect(again.status).toBe(409);
    const bView = (await list(b)).body.items.find((d: { domain: string }) => d.domain === domain);
    expect(bView.status).toBe('pending');
    // A third tenant cannot add it either.
    const c = await api.tenantWithOwner('starter', 'dom-c');
    expect((await add(c, domain)).status).toBe(409);
    // Once A removes it, B may prove it.
    expect((await api.call('DELETE', `${domains(a)}/${domain}`, { token: a.ownerToken })).status).toBe(204);
    expect((await verify(b, domain)).body.status).toBe('verified');
  });

  it('a manager or a custom role with settings:manage cannot list, add, verify or remove domains', async () => {
    const domain = fresh();
    const owned = await add(a, domain);
    expect(owned.status).toBe(201);
    const before = (await list(a)).body.items;
    for (const person of [manager, settingsRole]) {
      for (const res of [
        await list(a, person.token),
        await add(a, fresh(), person.token),
        await verify(a, domain, person.token),
        await api.call('DELETE', `${domains(a)}/${domain}`, { token: person.token }),
      ]) {
        expect(res.status, `${person.email}: ${JSON.stringify(res.body)}`).toBe(403);
        expect(res.body.code).toBe('forbidden');
      }
    }
    expect((await list(a)).body.items).toEqual(before);
  });

  it('tenant B can neither see nor remove tenant A’s domains', async () => {
    const domain = fresh();
    const added = await add(a, domain);
    await publish(added.body.verification.name, added.body.verification.value);
    expect((await verify(a, domain)).body.status).toBe('verified');
    // Through A's path: B's owner is not a member of A.
    expect((await api.call('GET', domains(a), { token: b.ownerToken })).status).toBe(404);
    expect((await api.call('DELETE', `${domains(a)}/${domain}`, { token: b.ownerToken })).status).toBe(404);
    expect((await verify(a, domain, b.ownerToken)).status).toBe(404);
    // Through B's own path, naming A's domain: not B's.
    expect((await api.call('DELETE', `${domains(b)}/${domain}`, { token: b.ownerToken })).status).toBe(404);
    expect((await verify(b, domain)).status).toBe(404);
    expect((await list(b)).body.items.map((d: { domain: string }) => d.domain)).not.toContain(domain);
    expect((await list(a)).body.items.find((d: { domain: string }) => d.domain === domain).status).toBe('verified');
    await unpublish(added.body.verification.name);
  });

  it('/local/dns answers loopback peers only and takes TXT records only', async () => {
    const res = await api.call('POST', '/local/dns', { body: { name: 'x.acme.com', type: 'A', value: '1.2.3.4' } });
    expect(res.status).toBe(400);
  });
});
