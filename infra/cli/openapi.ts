/**
 * `npm run openapi`: writes the OpenAPI document to openapi.json (committed:
 * it is what clients are generated from and what `GET /v1/openapi.json`
 * serves, bundled into that function; a test fails when it is stale).
 * `--check` only compares and exits 1 when the file is out of date.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildOpenApi } from '../../lib/http/openapi.ts';
import type { RouteSchemas } from '../../lib/http/route.ts';
import { ROUTES } from '../../lib/http/routes.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const OPENAPI_FILE = join(REPO_ROOT, 'openapi.json');

/** Every route's handler module, imported for the schemas it carries. */
export async function generateOpenApi(): Promise<string> {
  // The function serving the document imports the file: give it something on a first run.
  if (!existsSync(OPENAPI_FILE)) writeFileSync(OPENAPI_FILE, '{}\n');
  const handlers: RouteSchemas[] = [];
  for (const route of ROUTES) {
    const module = (await import(pathToFileURL(join(REPO_ROOT, route.entry)).href)) as {
      handler?: { schemas?: RouteSchemas };
    };
    const schemas = module.handler?.schemas;
    if (!schemas) throw new Error(`${route.entry} does not export a handler made by route()`);
    const served = route.twinOf ?? route.id;
    if (schemas.route.id !== served) throw new Error(`${route.entry} serves ${schemas.route.id}, not ${served}`);
    // A platform twin: the same handler's schemas, documented under the twin's row.
    handlers.push(route.twinOf ? { ...schemas, route } : schemas);
  }
  const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  return `${JSON.stringify(buildOpenApi(handlers, { version }), null, 2)}\n`;
}

async function main(): Promise<void> {
  const document = await generateOpenApi();
  const current = existsSync(OPENAPI_FILE) ? readFileSync(OPENAPI_FILE, 'utf8') : '';
  if (process.argv.includes('--check')) {
    if (current !== document) {
      console.error('openapi.json is out of date: run npm run openapi');
      process.exit(1);
    }
    console.log('openapi.json is up to date');
    return;
  }
  writeFileSync(OPENAPI_FILE, document);
  const operations = Object.values(JSON.parse(document).paths as Record<string, object>).flatMap(Object.keys).length;
  console.log(`openapi.json: ${operations} operations${current === document ? ' (unchanged)' : ''}`);
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
