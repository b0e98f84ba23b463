/**
 * The local gateway serves the built console: page paths answer with
 * index.html, built assets with themselves, all with the pages' CSP; the API
 * stays under /v1 and nothing outside web/dist is reachable.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, PAGE_PATHS } from '../../web/src/pages.ts';
import { startTestGateway, type TestGateway } from '../support/http.ts';

let gw: TestGateway;
let root: string;

beforeAll(async () => {
  // A stand-in build: the routing is under test, not Vite.
  root = mkdtempSync(join(tmpdir(), 'roster-web-'));
  await mkdir(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Roster</title><div id="root"></div>');
  writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(root, '.source-hash'), 'not served');
  gw = await startTestGateway({ webRoot: root });
});
afterAll(() => gw?.close());

const get = (path: string, method = 'GET') => fetch(`${gw.baseUrl}${path}`, { method });

describe('the console on the local gateway', () => {
  it('answers every page path with index.html, uncached, under the strict CSP', async () => {
    for (const path of [...PAGE_PATHS, '/users/', '/accept-invitation?token=abc']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<div id="root">');
    }
  });

  it('serves built assets, hashed ones cached for good', async () => {
    const js = await get('/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    const icon = await get('/favicon.svg');
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    const head = await get('/sign-in', 'HEAD');
    expect(head.status).toBe(200);
  });

  it('leaves the API, the docs and unknown paths to the routes', async () => {
    const health = await get('/v1/health');
    expect(health.status).toBe(200);
    expect(health.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await get('/docs')).headers.get('content-type')).toMatch(/^text\/html/);
    const unknown = await get('/no-such-page');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/problem+json');
    expect((await get('/users', 'POST')).status).toBe(404);
  });

  it('serves nothing outside the build, nor files it does not know the type of', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/assets/../../package.json', '/.source-hash']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain('"name": "roster"');
    }
  });

  it('says how to build the console when there is no build', async () => {
    const empty = await startTestGateway({ webRoot: mkdtempSync(join(tmpdir(), 'roster-empty-')) });
    try {
      const res = await fetch(`${empty.baseUrl}/sign-in`);
      expect(res.status).toBe(503);
      expect(await res.text()).toMatch(/npm run build/);
    } finally {
      await empty.close();
    }
  });
});
