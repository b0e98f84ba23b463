import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import * as z from 'zod';
import { notFound } from '../../lib/domain/errors.ts';
import { DOCS_CSP } from '../../lib/http/docs.ts';
import { publicRoute } from '../../lib/http/public-route.ts';
import { raw } from '../../lib/http/reply.ts';

/** Starts Swagger UI on the document this API serves (relative to the page at /docs). */
const INIT = `window.ui = SwaggerUIBundle({
  url: new URL('./v1/openapi.json', document.baseURI).href,
  dom_id: '#swagger-ui',
  deepLinking: true,
  displayOperationId: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

const JS = 'text/javascript; charset=utf-8';
const ASSETS: Record<string, { type: string; file?: string; text?: string }> = {
  'swagger-ui-bundle.js': { type: JS, file: 'swagger-ui-dist/swagger-ui-bundle.js' },
  'swagger-ui.css': { type: 'text/css; charset=utf-8', file: 'swagger-ui-dist/swagger-ui.css' },
  'init.js': { type: JS, text: INIT },
};

const packageRequire = createRequire(import.meta.url);
/** Read and compressed once per container (the files ship in the bundle's node_modules: routes.ts packageFiles). */
const loaded = new Map<string, { text: string; gzip: Uint8Array }>();

function load(name: string) {
  // Own entries only: `constructor`, `__proto__` and the like name no asset.
  const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!asset) throw notFound(`The docs asset ${name}`);
  let found = loaded.get(name);
  if (!found) {
    const text = asset.text ?? readFileSync(packageRequire.resolve(asset.file as string), 'utf8');
    found = { text, gzip: gzipSync(text, { level: 9 }) };
    loaded.set(name, found);
  }
  return { type: asset.type, ...found };
}

export const handler = publicRoute('docsAsset', {
  params: z.object({ asset: z.string().max(64) }).strict(),
  run: async ({ params, headers }) => {
    const { type, text, gzip } = load(params.asset);
    const cache = {
      'cache-control': 'public, max-age=3600',
      vary: 'accept-encoding',
      'content-security-policy': DOCS_CSP,
    };
    return /\bgzip\b/.test(headers['accept-encoding'] ?? '')
      ? raw(gzip, type, { ...cache, 'content-encoding': 'gzip' })
      : raw(text, type, cache);
  },
});
