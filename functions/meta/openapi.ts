import { gunzipSync } from 'node:zlib';
import { publicRoute } from '../../lib/http/public-route.ts';
import { raw } from '../../lib/http/reply.ts';
import { OPENAPI_GZIP_BASE64 } from './openapi-document.ts';

/**
 * Generated at build time (`npm run openapi`) and bundled gzipped: no generator and no handler modules in this
 * function, nothing to parse at init or to serialise per request, a twentieth of the bytes to send.
 */
const gzip = Buffer.from(OPENAPI_GZIP_BASE64, 'base64');
/** For a client that does not take gzip: decompressed once per container, on its first such request. */
let text: string | undefined;

const JSON_TYPE = 'application/json; charset=utf-8';

export const handler = publicRoute('getOpenApi', {
  run: async ({ headers }) => {
    const cache = { 'cache-control': 'public, max-age=300', vary: 'accept-encoding' };
    if (/\bgzip\b/.test(headers['accept-encoding'] ?? '')) {
      return raw(gzip, JSON_TYPE, { ...cache, 'content-encoding': 'gzip' });
    }
    text ??= gunzipSync(gzip).toString('utf8');
    return raw(text, JSON_TYPE, cache);
  },
});
