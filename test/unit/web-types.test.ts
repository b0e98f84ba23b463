/**
 * The console's API types are generated from the committed openapi.json: a
 * route or schema change the console has not caught up with fails here
 * (then `npm run web:types`, and the typecheck shows what the pages must change).
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { generate, SCHEMA_FILE } from '../../web/codegen/generate.ts';

it('web/src/api/schema.d.ts is what openapi-typescript generates from openapi.json (else: npm run web:types)', async () => {
  const generated = await generate();
  expect(generated).toContain('"/v1/tenants/{tenantId}/users"');
  expect(readFileSync(SCHEMA_FILE, 'utf8') === generated).toBe(true);
}, 30_000);
