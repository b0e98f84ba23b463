/**
 * SSRF at save, with AWS's rules (WEBHOOK_ALLOW_PRIVATE_TARGETS unset, as
 * the CDK stack leaves it): an endpoint URL must be https and every address
 * its host resolves to public. Each refusal is a 400 problem naming
 * body.url, and nothing is written (no endpoint, no audit item).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../lib/config.ts';
import { startTestGateway, type TestGateway } from '../support/http.ts';
import { client, unique } from './client.ts';

let gw: TestGateway;
let api: ReturnType<typeof client>;
let t: { tenantId: string; ownerToken: string };

beforeAll(async () => {
  gw = await startTestGateway({ env: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' } });
  resetConfig();
  api = client(gw);
  t = await api.tenantWithOwner('scale', `ssrf-${unique()}`);
}, 60_000);

afterAll(async () => {
  await gw?.close();
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = 'true';
  resetConfig();
});

const TARGETS = [
  ['plain http', 'http://hooks.example.com/roster', /https/],
  ['loopback', 'https://127.0.0.1/hook', /private or reserved/],
  ['loopback by name', 'https://localhost:8443/hook', /private or reserved/],
  ['instance metadata', 'https://169.254.169.254/latest/meta-data/', /private or reserved/],
  ['RFC 1918', 'https://10.1.2.3/hook', /private or reserved/],
  ['RFC 1918 (172.16/12)', 'https://172.20.0.5/hook', /private or reserved/],
  ['RFC 1918 (192.168/16)', 'https://192.168.0.10/hook', /private or reserved/],
  ['CGNAT', 'https://100.64.0.7/hook', /private or reserved/],
  ['this network', 'https://0.0.0.0/hook', /private or reserved/],
  ['IPv6 loopback', 'https://[::1]/hook', /private or reserved/],
  ['IPv6 unique local', 'https://[fd00::1]/hook', /private or reserved/],
  ['IPv6 link-local', 'https://[fe80::1]/hook', /private or reserved/],
  ['IPv4-mapped IPv6 metadata', 'https://[::ffff:169.254.169.254]/hook', /private or reserved/],
  ['a name that does not resolve', 'https://nowhere.invalid/hook', /does not resolve/],
] as const;

describe('webhook URLs in AWS mode', () => {
  it.each(TARGETS)('refuses %s at save (%s)', async (_what, url, reason) => {
    const res = await api.call('POST', `/v1/tenants/${t.tenantId}/webhooks`, {
      token: t.ownerToken,
      body: { url, events: ['*'] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation-failed', errors: [{ path: 'body.url' }] });
    expect(res.body.errors[0].message).toMatch(reason);
  });

  it('wrote nothing: no endpoint, no audit item', async () => {
    const list = await api.call('GET', `/v1/tenants/${t.tenantId}/webhooks`, { token: t.ownerToken });
    expect(list.body.items).toEqual([]);
    const audit = await api.call('GET', `/v1/tenants/${t.tenantId}/audit-events?action=webhook.created`, {
      token: t.ownerToken,
    });
    expect(audit.body.items).toEqual([]);
  });
});
