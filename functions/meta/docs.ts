import { DOCS_CSP } from '../../lib/http/docs.ts';
import { publicRoute } from '../../lib/http/public-route.ts';
import { raw } from '../../lib/http/reply.ts';

/**
 * The API reference: Swagger UI over GET /v1/openapi.json, every script and
 * stylesheet served by this API (GET /docs/{asset}), none inline and none
 * from a CDN. Links are relative, so the page works under any base path.
 */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Roster API reference</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="./docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="./docs/swagger-ui-bundle.js"></script>
<script src="./docs/init.js"></script>
</body>
</html>
`;

export const handler = publicRoute('docs', {
  run: async () =>
    raw(PAGE, 'text/html; charset=utf-8', {
      'content-security-policy': DOCS_CSP,
      'cache-control': 'public, max-age=300',
    }),
});
