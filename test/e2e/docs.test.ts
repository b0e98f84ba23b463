/**
 * The OpenAPI document and the reference page over HTTP; the page in a real
 * headless Chromium (Debian's, driven by playwright-core): it renders every
 * operation, loads nothing from elsewhere and breaks none of its own CSP.
 */

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { OPENAPI_FILE, REPO_ROOT } from '../../infra/cli/openapi.ts';
import { DOCS_CSP } from '../../lib/http/docs.ts';
import { ROUTES } from '../../lib/http/routes.ts';
import * as view from '../../lib/http/views.ts';
import { EVENT_SCHEMAS } from '../../lib/http/webhook-views.ts';
import { startTestGateway, type TestGateway } from '../support/http.ts';
import { client, unique } from './client.ts';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

let gw: TestGateway;
let browser: Browser | undefined;

beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await browser?.close();
  await gw?.close();
});

/** The browser, launched once; without Chromium the test fails saying how to install it (it does not skip). */
async function chromiumBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The docs page test needs headless Chromium at ${CHROMIUM}, which is missing. Install it with ` +
        '`sudo apt-get update && sudo apt-get install -y chromium` (Debian/Ubuntu; .ci/run does this) ' +
        'or point CHROMIUM_PATH at a Chromium or Chrome binary.',
    );
  }
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  return browser;
}

describe('GET /v1/openapi.json', () => {
  it('serves the generated document, gzipped to a client that takes gzip', async () => {
    const res = await fetch(`${gw.baseUrl}/v1/openapi.json`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(await res.json()).toEqual(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')));
  });

  it('serves it as plain JSON to a client that does not', async () => {
    const res = await fetch(`${gw.baseUrl}/v1/openapi.json`, { headers: { 'accept-encoding': 'identity' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(res.headers.get('vary')).toBe('accept-encoding');
    expect(JSON.parse(await res.text())).toEqual(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')));
  });
});

describe('the documented response schemas', () => {
  /** Parses and has no field the schema does not document. */
  const conforms = (schema: z.ZodObject, body: Record<string, unknown>) => {
    expect(() => schema.parse(body)).not.toThrow();
    expect(Object.keys(body).filter((k) => !(k in schema.shape))).toEqual([]);
  };

  it('match what the API answers', async () => {
    const api = client(gw);
    const t = await api.tenantWithOwner('growth', 'docs');
    const as = { token: t.ownerToken };
    conforms(view.TenantView, (await api.call('GET', `/v1/tenants/${t.tenantId}`, as)).body);
    conforms(view.MyMembership, (await api.call('GET', `/v1/tenants/${t.tenantId}/me`, as)).body);
    const invited = await api.call('POST', `/v1/tenants/${t.tenantId}/invitations`, {
      ...as,
      body: { email: `docs-${unique()}@e2e.test`, role: 'agent' },
    });
    conforms(view.MemberView, invited.body);
    conforms(view.page(view.MemberView, 'x'), (await api.call('GET', `/v1/tenants/${t.tenantId}/users`, as)).body);
    const audit = (await api.call('GET', `/v1/tenants/${t.tenantId}/audit-events`, as)).body;
    conforms(view.page(view.AuditEvent, 'x'), audit);
    conforms(view.AuditEvent, audit.items[0]);
    conforms(view.Me, (await api.call('GET', '/v1/me', as)).body);
    conforms(
      view.TenantView,
      (await api.call('GET', `/v1/platform/tenants/${t.tenantId}`, { headers: api.platform })).body,
    );
    const refused = await api.call('POST', `/v1/tenants/${t.tenantId}/invitations`, { ...as, body: { email: 'nope' } });
    conforms(view.Problem, refused.body);
  });
});

describe('GET /docs', () => {
  it('answers HTML with its own CSP and the usual security headers', async () => {
    const res = await fetch(`${gw.baseUrl}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(DOCS_CSP);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(await res.text()).toContain('<div id="swagger-ui"></div>');
    const unknown = await fetch(`${gw.baseUrl}/docs/nope.js`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/problem+json');
  });

  it('serves the renderer gzipped to browsers that accept it', async () => {
    const res = await fetch(`${gw.baseUrl}/docs/swagger-ui-bundle.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await res.text()).length).toBeGreaterThan(1_000_000);
  });

  it('renders every operation in headless Chromium, loading nothing from elsewhere and breaking no CSP rule', async () => {
    const page = await (await chromiumBrowser()).newPage();
    const complaints: string[] = [];
    const requested: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content Security Policy|Refused to/.test(m.text())) complaints.push(m.text());
    });
    page.on('pageerror', (e) => complaints.push(e.message));
    page.on('request', (r) => requested.push(r.url()));
    page.on('response', (r) => {
      if (r.status() >= 400) complaints.push(`${r.status()} ${r.url()}`);
    });

    await page.goto(`${gw.baseUrl}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 90_000 });
    // Every route, and every event type of the document's `webhooks` section (what Roster POSTs to endpoints).
    const events = Object.keys(EVENT_SCHEMAS).map((type) => `event_${type.replace(/[^A-Za-z]+/g, '_')}`);
    await expect.poll(() => page.locator('.opblock').count(), { timeout: 10_000 }).toBe(ROUTES.length + events.length);
    const ids = await page.locator('.opblock .opblock-summary-operation-id').allTextContents();
    expect(ids.sort()).toEqual([...ROUTES.map((r) => r.id), ...events].sort());
    expect(await page.locator('.info .title').textContent()).toContain('Roster API');

    mkdirSync(`${REPO_ROOT}.local`, { recursive: true });
    await page.screenshot({ path: `${REPO_ROOT}.local/docs.png` });
    expect(complaints).toEqual([]);
    expect(requested.filter((url) => !url.startsWith(gw.baseUrl) && !url.startsWith('data:'))).toEqual([]);
    await page.close();
  });
});
