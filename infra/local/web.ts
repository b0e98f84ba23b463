/**
 * The console and hosted pages, locally: what CloudFront and the S3 bucket
 * serve in AWS (infra/constructs/console.ts). Page paths answer with the
 * built index.html, `/assets/…` and the other built files with themselves,
 * every one with the pages' Content-Security-Policy; anything else is left
 * to the API routes. Before `npm run build` a page says how to build it.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { isPagePath, SECURITY_HEADERS } from '../../web/src/pages.ts';
import type { HttpResult } from './gateway-event.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

export type WebServer = (method: string, path: string) => Promise<HttpResult | undefined>;

/** Serves the built console from `root` (web/dist) for GET and HEAD; undefined = not a page or asset. */
export function webServer(root: string): WebServer {
  return async (method, path) => {
    if (method !== 'GET' && method !== 'HEAD') return undefined;
    if (isPagePath(path)) return file(join(root, 'index.html'), 'no-cache', root);
    if (path.startsWith('/v1/') || path.startsWith('/scim/') || path.startsWith('/docs') || path.startsWith('/local/'))
      return undefined;
    const relative = normalize(decodeURIComponentSafe(path)).replace(/^[/\\]+/, '');
    if (!relative || relative.startsWith('..') || relative.includes(`${sep}..`)) return undefined;
    const target = join(root, relative);
    if (!target.startsWith(root + sep) || !existsSync(target) || !TYPES[extname(target)]) return undefined;
    return file(target, relative.startsWith(`assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache', root);
  };
}

async function file(path: string, cacheControl: string, root: string): Promise<HttpResult> {
  try {
    return {
      statusCode: 200,
      headers: {
        'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
        'cache-control': cacheControl,
        ...SECURITY_HEADERS,
      },
      body: await readFile(path),
    };
  } catch {
    return notBuilt(root);
  }
}

function notBuilt(root: string): HttpResult {
  const text = `The console is not built yet (no ${join(root, 'index.html')}). Run \`npm run build\`, then reload.\n`;
  return {
    statusCode: 503,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS },
    body: Buffer.from(text),
  };
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
