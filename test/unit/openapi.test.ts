/**
 * The OpenAPI document: generated from the route table and the handlers'
 * schemas, committed as openapi.json, valid for a real linter, and exactly the
 * routes that exist.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_MODULE, generateOpenApi, moduleDocument, OPENAPI_FILE, REPO_ROOT } from '../../infra/cli/openapi.ts';
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

  it('is served from the generated module: the same document, minified (else: npm run openapi)', () => {
    const served = moduleDocument(readFileSync(DOCUMENT_MODULE, 'utf8'));
    expect(served).toBe(JSON.stringify(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'))));
  });

  it('documents every route once, with its id as operationId, and nothing that is not a route', () => {
    expect(spec.openapi).toBe('3.1.0');
    const routes = ROUTES.map((r) => `${r.method} ${r.path} ${r.id}`).sort();
    expect(documented.map(({ key, op }) => `${key} ${op.operationId}`).sort()).toEqual(routes);
    // A platform twin is documented from its row's notes.
    expect(Object.keys(OPERATIONS)).toEqual(expect.arrayContaining(ROUTES.map((r) => r.twinOf ?? r.id)));
  });

  it('declares each route’s auth and every path parameter', () => {
    const schemes = {
      public: [],
      user: [{ cognitoJwt: [] }],
      platform: [{ awsSigV4: [] }, { platformKey: [] }],
      scim: [{ scimToken: [] }],
    };
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

  it('describes every request-body field (in its zod schema, or in lib/http/fields.ts)', () => {
    const missing: string[] = [];
    const visit = (schema: Record<string, unknown>, where: string) => {
      for (const variant of [...((schema.anyOf as []) ?? []), ...((schema.oneOf as []) ?? [])]) visit(variant, where);
      for (const [name, property] of Object.entries(
        (schema.properties ?? {}) as Record<string, Record<string, unknown>>,
      )) {
        if (typeof property.description !== 'string' || property.description === '') missing.push(`${where}.${name}`);
        visit(property, `${where}.${name}`);
      }
    };
    let fields = 0;
    for (const { op } of documented) {
      const body = (op as { requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } })
        .requestBody;
      const schema = body?.content['application/json']?.schema;
      if (!schema) continue;
      fields += JSON.stringify(schema).split('"description"').length - 1;
      visit(schema, op.operationId);
    }
    expect(missing).toEqual([]);
    expect(fields).toBeGreaterThan(60);
  });

  it('states what the prose promises: ETag and Location required, Idempotency-Key’s pattern, the Permission enum', () => {
    for (const { key, op } of documented) {
      const responses = (
        op as unknown as { responses: Record<string, { headers?: Record<string, { required?: boolean }> }> }
      ).responses;
      for (const [status, response] of Object.entries(responses)) {
        for (const [name, header] of Object.entries(response.headers ?? {})) {
          expect(header.required, `${key} ${status} ${name}`).toBe(true);
        }
      }
      const idempotency = op.parameters?.find((p) => p.name === 'idempotency-key') as
        | { schema: { pattern?: string } }
        | undefined;
      if (idempotency) expect(idempotency.schema.pattern, key).toBe('^[A-Za-z0-9._:-]{8,128}$');
    }
    const schemas = (
      spec as unknown as { components: { schemas: Record<string, { properties: Record<string, unknown> }> } }
    ).components.schemas;
    expect(schemas.Member?.properties.grants).toMatchObject({ items: { $ref: '#/components/schemas/Grant' } });
    // A grant: the permission itself, or the object form of a time-limited one — the Permission enum either way.
    expect(JSON.stringify(schemas.Grant)).toContain('"#/components/schemas/Permission"');
    expect(JSON.stringify(schemas.Grant)).toContain('"expiresAt"');
    expect(schemas.Role?.properties.permissions).toMatchObject({ items: { $ref: '#/components/schemas/Permission' } });
  });

  it('tells the sign-in answers apart (oneOf) and names every problem extension member', () => {
    const schemas = (spec as unknown as { components: { schemas: Record<string, Record<string, unknown>> } }).components
      .schemas;
    // Tokens, the new-password challenge and the two-factor challenge (told apart by `challenge`'s value).
    expect(schemas.SignIn?.oneOf).toHaveLength(3);
    expect(schemas.SignIn?.anyOf).toBeUndefined();
    expect(Object.keys(schemas.Problem?.properties as object)).toEqual(
      expect.arrayContaining(['errors', 'seats', 'holders', 'currentStatus', 'action']),
    );
  });
});
