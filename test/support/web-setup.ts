/**
 * vitest globalSetup for the projects that need the built console (browser,
 * infra): builds web/ once per run when web/dist is missing or stale, in the
 * main process, so parallel test files never build it concurrently.
 */
import { ensureWebBuilt } from '../../infra/local/web-build.ts';

const KEY = Symbol.for('roster.test.webBuild');
const registry = globalThis as { [KEY]?: Promise<boolean> };

export default async function setup(): Promise<void> {
  registry[KEY] ??= ensureWebBuilt((line) => console.log(`[web] ${line}`));
  await registry[KEY];
}
