/**
 * The order `npm test` starts its files in: longest first across every
 * project. Vitest's own order takes the projects one after another
 * (alphabetically: browser, e2e, infra, integration, …) and sorts only within
 * each, so a long integration file could start last and run alone while the
 * other worker sits idle. Durations are those vitest recorded in its results
 * cache (node_modules/.vite); a file it has none for (a fresh clone, a new
 * file) is estimated from its size and its project.
 *
 * The browser files still start first, as they did when vitest went project
 * by project: they are among the longest anyway, and the one that reads its
 * mail on SES local's own page (which renders every mail of the run, each in
 * its own frame) then reads it while that page is short.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Roughly how many milliseconds a byte of test file takes, by project (measured on 2 cores). */
const MS_PER_BYTE: Readonly<Record<string, number>> = {
  browser: 5,
  integration: 4,
  e2e: 2,
  infra: 2,
  sdk: 0.3,
  unit: 0.3,
  web: 0.3,
};

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const { cache, config } = this.ctx;
    const estimate = (spec: TestSpecification): number => {
      const key = `${spec.project.name}:${relative(config.root, spec.moduleId)}`;
      const recorded = cache.getFileTestResults(key);
      if (recorded) return recorded.duration;
      return (cache.getFileStats(key)?.size ?? 0) * (MS_PER_BYTE[spec.project.name] ?? 1);
    };
    const expected = new Map(files.map((spec) => [spec, estimate(spec)]));
    const first = (spec: TestSpecification) => (spec.project.name === 'browser' ? 0 : 1);
    return [...files].sort((a, b) => first(a) - first(b) || (expected.get(b) ?? 0) - (expected.get(a) ?? 0));
  }
}
