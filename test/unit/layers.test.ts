/**
 * The layers point one way (STYLE "Keep the layers pointing one way"): use
 * cases, adapters, repositories and rules never import the transport layer,
 * and no two repositories import each other (directly or round a circle).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

function filesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

/** Relative imports of a file, resolved to repository paths (type-only imports included: they are arrows too). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)[^'"]*?from\s+'(\.[^']+)'/gm)) {
    found.push(relative(root, resolve(root, dirname(file), m[1] as string)));
  }
  return found;
}

describe('layers', () => {
  it.each(['lib/app', 'lib/aws', 'lib/store', 'lib/domain'])('%s imports nothing from lib/http', (dir) => {
    const offenders = filesUnder(dir).flatMap((f) =>
      importsOf(f)
        .filter((i) => i.startsWith('lib/http/'))
        .map((i) => `${f} → ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it('lib/domain imports only lib/domain', () => {
    const offenders = filesUnder('lib/domain').flatMap((f) =>
      importsOf(f)
        .filter((i) => !i.startsWith('lib/domain/'))
        .map((i) => `${f} → ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the store modules import each other without a circle', () => {
    const files = filesUnder('lib/store');
    const graph = new Map(files.map((f) => [f, importsOf(f).filter((i) => i.startsWith('lib/store/'))]));
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const next of graph.get(f) ?? []) visit(next, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });
});
