/**
 * The OpenAPI document: generated from the route table and the handlers'
 * schemas, committed as openapi.json, valid for a real linter, and exactly the
 * routes that exist.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { generateOpenApi, OPENAPI_FILE, REPO_ROOT } from '../../infra/cli/openapi.ts';
import { OPERATIONS } from '../../lib/http/operations.ts';
import { ROUTES } from '../../lib/http/routes.ts';

type Operation = { operationId: string; security: unknown[]; parameters?: { in: string; name: string }[] };
const spec = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
};
const documented = Object.entries(spec.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
);

describe('openapi.json', () => {
  it('is the document the route table and handler schemas generate (else: npm run openapi)', async () => {
    const generated = await generateOpenApi();
    expect(generated === readFileSync(OPENAPI_FILE, 'utf8'), 'openapi.json is stale: run npm run openapi').toBe(true);
  });

  it('documents every route once, with its id as operationId, and nothing that is not a route', () => {
    expect(spec.openapi).toBe('3.1.0');
    const routes = ROUTES.map((r) => `${r.method} ${r.path} ${r.id}`).sort();
    expect(documented.map(({ key, op }) => `${key} ${op.operationId}`).sort()).toEqual(routes);
    // A platform twin is documented from its row's notes.
    expect(Object.keys(OPERATIONS)).toEqual(expect.arrayContaining(ROUTES.map((r) => r.twinOf ?? r.id)));
  });

  it('declares each route’s auth and every path parameter', () => {
    const schemes = { public: [], user: [{ cognitoJwt: [] }], platform: [{ awsSigV4: [] }, { platformKey: [] }] };
    for (const route of ROUTES) {
      const op = spec.paths[route.path]?.[route.method.toLowerCase()] as Operation;
      expect(op.security, route.id).toEqual(schemes[route.auth]);
      const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      expect(declared.sort(), route.id).toEqual(params.sort());
    }
  });

  it('passes the Redocly linter (recommended rules) with no errors and no warnings', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [`${REPO_ROOT}node_modules/@redocly/cli/bin/cli.js`, 'lint', OPENAPI_FILE, '--format=json'],
      { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' }, timeout: 60_000 },
    );
    const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number }; problems: unknown[] };
    expect(report.problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 60_000);
});
