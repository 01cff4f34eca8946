/**
 * Renders a conformance HTML report in Debian's headless Chromium (through playwright-core; no
 * browser is ever downloaded) and saves a PNG. It also opens the first case group, clicks a cell
 * (the first failure if there is one) so the details panel shows in the picture, and reports
 * anything that would mean the page is not self-contained: requests other than the file itself,
 * and console errors. withHtmlPage opens any such self-contained page for a test to look at
 * (the skip map's test uses it).
 *
 *   tsx tools/html-screenshot.ts <report.html> <out.png>
 *   (make a report first: npx skipconn conformance --html report.html)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS, chromiumPath } from '@skipconn/browser-harness';

/** The same Debian Chromium and flags as the browser harness. */
const CHROMIUM = chromiumPath();

export interface ScreenshotResult {
  readonly png: string;
  /** Text of the details panel after clicking a cell. */
  readonly details: string;
  /** The id of the row whose cell was clicked. */
  readonly clicked: string;
  /** Requests for anything but the report file: must be empty for a self-contained page. */
  readonly externalRequests: string[];
  readonly consoleErrors: string[];
  /** Number of case group rows in the matrix. */
  readonly groups: number;
  /** The matrix's column headers, left to right (the first names the rows). */
  readonly columns: string[];
}

/** Why a screenshot cannot be taken here, or undefined when it can. */
export function chromiumUnavailable(): string | undefined {
  return fs.existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is not installed (Debian: apt-get install -y chromium)`;
}

/** A page opened by withHtmlPage, with what it did that a self-contained page must not do. */
export interface OpenedPage {
  readonly page: Page;
  /** Requests for anything but the file itself (data: URLs aside). */
  readonly externalRequests: string[];
  readonly consoleErrors: string[];
}

/**
 * Opens a local HTML file in Debian's headless Chromium (fresh profile, offline), waits for
 * `body[data-ready="1"]`, runs `fn` on the page and closes everything again.
 */
export async function withHtmlPage<T>(htmlFile: string, fn: (opened: OpenedPage) => Promise<T>, options: { width?: number; height?: number } = {}): Promise<T> {
  const why = chromiumUnavailable();
  if (why !== undefined) throw new Error(why);
  // A fresh profile every time: nothing carries over between runs, nothing is shared with a user.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_FLAGS],
    viewport: { width: options.width ?? 1400, height: options.height ?? 900 },
    offline: true,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const url = pathToFileURL(path.resolve(htmlFile)).href;
    const externalRequests: string[] = [];
    const consoleErrors: string[] = [];
    page.on('request', (r) => {
      if (r.url() !== url && !r.url().startsWith('data:')) externalRequests.push(r.url());
    });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(url);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 10_000 });
    return await fn({ page, externalRequests, consoleErrors });
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

export async function screenshotHtml(htmlFile: string, pngFile: string, options: { width?: number; height?: number } = {}): Promise<ScreenshotResult> {
  return withHtmlPage(
    htmlFile,
    async ({ page, externalRequests, consoleErrors }) => {
      const groups = await page.locator('tr.group').count();
      const columns = await page.locator('#head th').allInnerTexts();
      // Open the group of the first failure (or the first group) and click that case's cell.
      const failing = page.locator('tr.case td.cell.fail').first();
      let row = page.locator('tr.group').first();
      if ((await failing.count()) > 0) {
        const caseRow = page.locator('tr.case', { has: page.locator('td.cell.fail') }).first();
        const id = (await caseRow.getAttribute('data-case')) ?? '';
        row = page.locator(`tr.group[data-group="${id.split('/').slice(0, 2).join('/')}"]`);
      }
      await row.locator('td.name').click();
      const target = (await failing.count()) > 0 ? failing : page.locator('tr.case:not([hidden]) td.cell').first();
      const clicked = (await target.locator('xpath=..').getAttribute('data-case')) ?? '';
      await target.click();
      const details = (await page.locator('#details').innerText()).trim();
      fs.mkdirSync(path.dirname(path.resolve(pngFile)), { recursive: true });
      await page.screenshot({ path: pngFile, fullPage: false });
      return { png: pngFile, details, clicked, externalRequests, consoleErrors, groups, columns };
    },
    options,
  );
}

async function main(): Promise<number> {
  const [html, png] = process.argv.slice(2);
  if (html === undefined || png === undefined) {
    console.error('usage: tsx tools/html-screenshot.ts <report.html> <out.png>');
    return 2;
  }
  const r = await screenshotHtml(html, png);
  console.log(`${r.png}: ${r.groups} case groups; clicked ${r.clicked}`);
  for (const u of r.externalRequests) console.error(`external request: ${u}`);
  for (const e of r.consoleErrors) console.error(`console error: ${e}`);
  return r.externalRequests.length === 0 && r.consoleErrors.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main().then((code) => {
    process.exitCode = code;
  });
}
