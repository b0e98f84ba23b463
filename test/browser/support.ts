/**
 * The browser suite's kit: Debian's Chromium through playwright-core, the
 * console served by the local gateway (built first when web/dist is stale),
 * axe-core on every screen, mail from SES local (its JSON store, or its own
 * page as a person reads it), and screenshots for the
 * README when SCREENSHOTS=1 (`npm run screenshots`).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { REPO_ROOT } from '../../infra/local/gateway.ts';
import { webIsBuilt } from '../../infra/local/web-build.ts';
import { type SentEmail, sesMessages, startTestGateway, type TestGateway } from '../support/http.ts';
import { localStack } from '../support/local-stack.ts';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];
const SCREENSHOTS = join(REPO_ROOT, 'docs', 'screenshots');
const MAIL_WAIT_MS = 15_000;

export interface Kit {
  gw: TestGateway;
  browser: Browser;
  /** Every URL any page requested, and every CSP violation any page reported. */
  requests: string[];
  cspViolations: string[];
  /** A fresh browser profile (its own sessionStorage), as a new visitor. */
  visitor(): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

/**
 * The console (built by the globalSetup), the gateway on a free port with links in mail pointing
 * at it (APP_URL is read once, at the first handler's cold start), Chromium launched.
 */
export async function startKit(): Promise<Kit> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests need headless Chromium at ${CHROMIUM}, which is missing. Install it with ` +
        '`sudo apt-get update && sudo apt-get install -y chromium` (.ci/run does this) or set CHROMIUM_PATH.',
    );
  }
  // test/support/web-setup.ts built it for this run.
  if (!webIsBuilt())
    throw new Error('web/dist is missing or stale: run `npm run build` (the web-setup globalSetup does).');
  const gw = await startTestGateway();
  process.env.APP_URL = gw.baseUrl;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  const contexts: BrowserContext[] = [];
  const requests: string[] = [];
  const cspViolations: string[] = [];
  return {
    gw,
    browser,
    requests,
    cspViolations,
    async visitor() {
      const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, baseURL: gw.baseUrl });
      contexts.push(context);
      context.on('request', (request) => requests.push(request.url()));
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
      });
      return { context, page };
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close();
      await gw.close();
    },
  };
}

export interface AxeSummary {
  screen: string;
  violations: { id: string; impact: string; nodes: number }[];
}

export const axeLog: AxeSummary[] = [];

/** axe-core (WCAG 2.1 A/AA rules and best practices) on the page as it is: no serious or critical violation. */
export async function checkAccessibility(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  const violations = results.violations.map((v) => ({
    id: v.id,
    impact: v.impact ?? 'unknown',
    nodes: v.nodes.length,
  }));
  axeLog.push({ screen, violations });
  const blocking = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`).join('; ')}`,
    );
  expect(blocking, `${screen}: serious or critical accessibility violations\n${blocking.join('\n')}`).toEqual([]);
}

/** The axe results of the run, one line per screen, and as JSON under .local/ (one file per test file) for the record. */
export function reportAccessibility(file = 'axe-results'): void {
  const lines = axeLog.map(
    (s) =>
      `${s.screen.padEnd(34)} ${s.violations.length === 0 ? 'no violations' : s.violations.map((v) => `${v.id} (${v.impact})`).join(', ')}`,
  );
  console.log(`axe-core, per screen:\n${lines.join('\n')}`);
  mkdirSync(join(REPO_ROOT, '.local'), { recursive: true });
  writeFileSync(join(REPO_ROOT, '.local', `${file}.json`), `${JSON.stringify(axeLog, null, 2)}\n`);
}

/** With SCREENSHOTS=1, the page as a PNG in docs/screenshots/ (for the README). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS !== '1') return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false, animations: 'disabled' });
}

/** How many mails `to` has received so far (pass it to nextMail to wait for a new one). */
export async function mailCount(to: string): Promise<number> {
  return (await sesMessages(undefined, to)).length;
}

/** Waits for a mail to `to` beyond the first `seen`, and returns the newest. */
export async function nextMail(to: string, seen: number): Promise<SentEmail> {
  const deadline = Date.now() + MAIL_WAIT_MS;
  for (;;) {
    const mails = await sesMessages(undefined, to);
    const newest = mails.at(-1);
    if (mails.length > seen && newest) return newest;
    if (Date.now() > deadline) throw new Error(`no new email reached ${to} within ${MAIL_WAIT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The accept-invitation link of a mail, from its HTML (the button a person clicks). */
export function invitationLink(mail: SentEmail): string {
  const href = /href="([^"]*\/accept-invitation\?token=[^"]+)"/.exec(mail.body.html ?? '')?.[1];
  if (!href) throw new Error(`no accept-invitation link in "${mail.subject}"`);
  return href.replace(/&amp;/g, '&');
}

/**
 * SES local's own web page, as a person uses it: finds the mail to `to` whose
 * subject contains `subject` among those it lists (it polls for new ones itself), shows its
 * HTML and clicks `link` there. The mail's links open a new window; that window is returned.
 */
export async function followMailLink(
  context: BrowserContext,
  mail: { to: string; subject: string; link: string },
): Promise<{ inbox: Page; page: Page }> {
  const inbox = await context.newPage();
  await inbox.goto(`${localStack().urls.ses}/`);
  await visible(inbox.getByRole('heading', { name: 'aws-ses-v2-local viewer' }));
  // The innermost block holding both lines is that one mail's card.
  const card = inbox
    .locator('div')
    .filter({ hasText: mail.subject })
    .filter({ hasText: `To: ${mail.to}` })
    .last();
  await card.getByRole('button', { name: 'Toggle HTML view' }).click({ timeout: MAIL_WAIT_MS });
  const link = card.locator('iframe').contentFrame().getByRole('link', { name: mail.link });
  await link.waitFor();
  // Each mail card grows into place (a CSS animation): a click inside its frame lands only once it is open.
  await inbox.evaluate('Promise.all(document.getAnimations().map((animation) => animation.finished))');
  const [page] = await Promise.all([
    context.waitForEvent('page', { timeout: MAIL_WAIT_MS }).catch(async (error: Error) => {
      // What the inbox showed, for whoever reads the failure.
      const path = join(REPO_ROOT, '.local', `ses-page-${Date.now()}.png`);
      mkdirSync(join(REPO_ROOT, '.local'), { recursive: true });
      await inbox.screenshot({ path });
      throw new Error(`${error.message}: the link in the mail to ${mail.to} opened no window (see ${path})`);
    }),
    link.click(),
  ]);
  await page.waitForLoadState();
  return { inbox, page };
}

export const visible = (locator: Locator) => locator.waitFor({ state: 'visible' });

/** The text of the element a control names in aria-describedby (its accessible description). */
export async function description(control: Locator): Promise<string> {
  const ids = (await control.getAttribute('aria-describedby'))?.split(/\s+/).filter(Boolean) ?? [];
  const texts = await Promise.all(ids.map((id) => control.page().locator(`[id="${id}"]`).textContent()));
  return texts.join(' ').trim();
}
