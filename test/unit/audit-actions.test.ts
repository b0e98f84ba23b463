/** The console's Action filter lists exactly the actions the API records (issue 18 item 13). */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../web/src/console/audit/actions.ts';

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(e.parentPath, e.name));
}

describe('audit actions', () => {
  it('the filter offers every action name written by lib/ and functions/, and no other', async () => {
    const written = new Set<string>();
    const pattern =
      /'((?:member|invitation|identity|tenant|ownership|role|team|conversation|api_key|webhook|domain|sso|scim|scimToken|scimRoleMappings)\.[a-z_]+)'/g;
    for (const file of [...(await sources('lib')), ...(await sources('functions'))]) {
      for (const match of (await readFile(file, 'utf8')).matchAll(pattern)) written.add(match[1] as string);
    }
    expect(written.size).toBeGreaterThan(20);
    expect(Object.keys(AUDIT_ACTIONS).sort()).toEqual([...written].sort());
    for (const label of Object.values(AUDIT_ACTIONS)) expect(label).not.toMatch(/[._]/);
  });
});
