/**
 * setupFiles of the e2e project: a test fails when any response it received
 * — through the client's `call()` or fetched directly — broke the published
 * OpenAPI document (test/support/conformance.ts). `CONFORMANCE_REPORT=<file>`
 * appends each test file's count of checked responses to that file.
 */
import { appendFileSync } from 'node:fs';
import { afterAll, afterEach, expect } from 'vitest';
import { assertConformance, tally } from './conformance.ts';

afterEach(() => {
  assertConformance();
});

afterAll(() => {
  const report = process.env.CONFORMANCE_REPORT;
  if (report) {
    const file = expect.getState().testPath ?? 'unknown';
    appendFileSync(report, `${JSON.stringify({ file, ...tally })}\n`);
  }
});
