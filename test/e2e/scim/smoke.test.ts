import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/http.ts';
import { unique } from '../client.ts';
import { PATCH, type ScimTenant, scimKit, USER } from './kit.ts';

let gw: TestGateway;
let kit: ReturnType<typeof scimKit>;
let t: ScimTenant;

beforeAll(async () => {
  gw = await startTestGateway();
  kit = scimKit(gw);
  t = await kit.tenant('scimsmoke');
}, 120_000);
afterAll(async () => {
  await gw?.close();
});

describe('smoke', () => {
  it('creates, lists, patches and deletes a user', async () => {
    const userName = `ann-${unique()}@idp.test`;
    const created = await kit.scim('POST', '/Users', t.scimToken, {
      schemas: [USER],
      userName,
      name: { givenName: 'Ann', familyName: 'Lee' },
      emails: [{ value: userName, type: 'work', primary: true }],
      active: true,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.headers.get('content-type')).toContain('application/scim+json');
    const found = await kit.scim(
      'GET',
      `/Users?filter=${encodeURIComponent(`userName eq "${userName.toUpperCase()}"`)}`,
      t.scimToken,
    );
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    expect(found.body.totalResults).toBe(1);
    const off = await kit.scim('PATCH', `/Users/${created.body.id}`, t.scimToken, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', value: { active: false } }],
    });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body.active).toBe(false);
    const again = await kit.scim('POST', '/Users', t.scimToken, { schemas: [USER], userName });
    expect(again.status, JSON.stringify(again.body)).toBe(409);
    expect(again.body.scimType).toBe('uniqueness');
    const gone = await kit.scim('DELETE', `/Users/${created.body.id}`, t.scimToken);
    expect(gone.status, JSON.stringify(gone.body)).toBe(204);
  });
});
