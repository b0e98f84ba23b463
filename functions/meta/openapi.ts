import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import document from '../../openapi.json' with { type: 'json' };

/** Generated at build time (`npm run openapi`) and bundled: no generator, no handler modules in this function. */
export const handler = route('getOpenApi', {
  run: async () => ok(document, { 'cache-control': 'public, max-age=300' }),
});
