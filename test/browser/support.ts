/**
 * The browser suite's kit: Debian's Chromium through playwright-core, the
 * console served by the local gateway (built first when web/dist is stale),
 * axe-core on every screen, mail from SES local (its JSON store, or its own
 * page as a person reads it), and screenshots for the
 * README when SCREENSHOTS=1 (`npm run screenshots`).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import pixelmatch from 'pixelmatch';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
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

/** The committed look of every screen (`npm run baselines` writes them again after an intended change). */
export const BASELINES = join(REPO_ROOT, 'test', 'browser', 'baselines');
/** pixelmatch's per-pixel colour threshold (0–1) and the share of pixels that may differ (anti-aliasing, fonts). */
const PIXEL_THRESHOLD = 0.1;
const MAX_DIFF_RATIO = 0.005;

/**
 * The page as a person sees it now, compared with its committed baseline by
 * pixelmatch: at most MAX_DIFF_RATIO of the pixels may differ. Regions whose
 * text changes every run (times, dates) are masked. UPDATE_BASELINES=1 writes
 * the baseline instead; a missing baseline fails, saying how to make it. On a
 * mismatch the actual image and the diff are left in .local/visual/.
 */
export async function matchesBaseline(page: Page, name: string, mask: Locator[] = []): Promise<void> {
  await steadyTimes(page);
  const shot = await page.screenshot({ animations: 'disabled', caret: 'hide', mask, maskColor: '#8a8f98' });
  const file = join(BASELINES, `${name}.png`);
  if (process.env.UPDATE_BASELINES === '1') {
    mkdirSync(BASELINES, { recursive: true });
    writeFileSync(file, shot);
    return;
  }
  if (!existsSync(file)) throw new Error(`no baseline ${file}: run \`npm run baselines\` and commit it`);
  const expected = PNG.sync.read(readFileSync(file));
  const actual = PNG.sync.read(shot);
  const out = join(REPO_ROOT, '.local', 'visual');
  const keep = () => {
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, `${name}.actual.png`), shot);
  };
  if (expected.width !== actual.width || expected.height !== actual.height) {
    keep();
    throw new Error(
      `${name}: ${actual.width}×${actual.height}, baseline ${expected.width}×${expected.height} (see ${out})`,
    );
  }
  const diff = new PNG({ width: actual.width, height: actual.height });
  const differing = pixelmatch(expected.data, actual.data, diff.data, actual.width, actual.height, {
    threshold: PIXEL_THRESHOLD,
  });
  const ratio = differing / (actual.width * actual.height);
  if (ratio > MAX_DIFF_RATIO) {
    keep();
    writeFileSync(join(out, `${name}.diff.png`), PNG.sync.write(diff));
  }
  expect(
    ratio,
    `${name}: ${(ratio * 100).toFixed(2)}% of pixels differ from the baseline (see ${out}; \`npm run baselines\` if intended)`,
  ).toBeLessThanOrEqual(MAX_DIFF_RATIO);
}

/**
 * The clock's text, written as one fixed instant before a screenshot: masked regions hide what a time says,
 * but not how wide it is — "Dec 7, 2026, 6:49 AM" and "Dec 17, 2026, 10:31 AM" would move every column after
 * it, so a baseline would hold only at the hour of day it was made. Only text the masks cover is touched.
 */
async function steadyTimes(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    const dateTime = /\\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{1,2}, \\d{4}, \\d{1,2}:\\d{2}(?::\\d{2})?\\s?[AP]M/g;
    const date = /\\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{1,2}, \\d{4}\\b/g;
    const time = /\\b\\d{1,2}:\\d{2}(?::\\d{2})?\\s?[AP]M\\b/g;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.nodeValue ?? '';
      const steady = text.replace(dateTime, 'Dec 17, 2026, 10:30 AM').replace(date, 'Dec 17, 2026').replace(time, '10:30 AM');
      if (steady !== text) node.nodeValue = steady;
    }
  })()`);
}

/** Text that changes from run to run (times and dates), to mask in screenshots. */
export const changingText = (page: Page): Locator[] => [
  page.getByText(/\b\d{1,2}:\d{2}\b/),
  page.getByText(/\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d{4}\b/),
];

/** What overflows the viewport sideways: the page's own scroll width beyond the window's. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate('document.documentElement.scrollWidth - window.innerWidth') as Promise<number>;
}

/** The outermost elements reaching past the window's right edge (outside any scrolling box), for a failure message. */
export async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const out = [];
    const scrolls = (el) => { for (let p = el.parentElement; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; } return false; };
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right > window.innerWidth + 0.5 && r.width > 0 && !scrolls(el) && !(el.parentElement && el.parentElement.getBoundingClientRect().right > window.innerWidth + 0.5 && !scrolls(el.parentElement) && el.parentElement !== document.body))
        out.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '') + ' → ' + Math.round(r.right) + 'px');
    }
    return out.slice(0, 8);
  })()`) as Promise<string[]>;
}
