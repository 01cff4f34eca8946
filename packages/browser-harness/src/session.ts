/**
 * One headless Chromium with the test page, shared by every browser adapter of the process and
 * closed when the last one is disposed (reference counted). Calls into the page go one at a time
 * (the page queues them too) and time out, so a hung GPU fails a case instead of the whole run.
 */
import type { Browser, Page } from 'playwright-core';
import { SerialQueue, SkipconnError } from '@skipconn/core';
import { pageBundle } from './bundle';
import { CHROMIUM_FLAGS, chromiumPath } from './chromium';
import { startPageServer, type PageServer } from './server';
import type { HarnessReply, HarnessRequest } from './wire';

export interface BrowserSession {
  /** Sends one request to the page. */
  call(req: HarnessRequest, timeoutMs?: number): Promise<HarnessReply>;
  /** Provider modules left out of the page, with the reason. */
  readonly excluded: ReadonlyMap<string, string>;
  /** 'Chromium 156.0.8078.108'. */
  readonly version: string;
}

/** Default per-call limit: compile or run of one graph. */
export const CALL_TIMEOUT_MS = 120_000;
const LOG_LINES = 20;

class ChromiumSession implements BrowserSession {
  private readonly queue = new SerialQueue();
  private broken: string | undefined;
  private readonly log: string[] = [];

  constructor(
    private readonly browser: Browser,
    private readonly page: Page,
    private readonly server: PageServer,
    readonly excluded: ReadonlyMap<string, string>,
    readonly version: string,
  ) {
    const remember = (line: string): void => {
      this.log.push(line);
      this.log.splice(0, Math.max(0, this.log.length - LOG_LINES));
    };
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') remember(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => remember(`page error: ${e.message}`));
    page.on('crash', () => {
      this.broken = 'the page crashed';
    });
    browser.on('disconnected', () => {
      this.broken ??= 'Chromium exited';
    });
  }

  call(req: HarnessRequest, timeoutMs = CALL_TIMEOUT_MS): Promise<HarnessReply> {
    return this.queue.run(() => this.send(req, timeoutMs));
  }

  private async send(req: HarnessRequest, timeoutMs: number): Promise<HarnessReply> {
    if (this.broken !== undefined) throw this.failure(this.broken);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.broken = `a '${req.op}' request got no answer within ${timeoutMs} ms`;
        reject(this.failure(this.broken));
      }, timeoutMs);
    });
    try {
      const evaluated = this.page.evaluate((r) => (globalThis as unknown as { __skipconnHarness: { call(x: unknown): Promise<unknown> } }).__skipconnHarness.call(r), req as unknown) as Promise<HarnessReply>;
      return await Promise.race([evaluated, timeout]);
    } catch (err) {
      if (err instanceof SkipconnError) throw err;
      this.broken ??= err instanceof Error ? err.message.split('\n')[0]! : String(err);
      throw this.failure(this.broken);
    } finally {
      clearTimeout(timer);
    }
  }

  private failure(why: string): SkipconnError {
    const tail = this.log.length > 0 ? `; the page's last messages:\n${this.log.join('\n')}` : '';
    return new SkipconnError('ADAPTER_UNAVAILABLE', `browser harness: ${why}${tail}`);
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await this.server.close();
  }
}

async function launch(): Promise<ChromiumSession> {
  const bundle = await pageBundle();
  const server = await startPageServer(bundle.js);
  let browser: Browser | undefined;
  try {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_FLAGS] });
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => (globalThis as { __skipconnHarness?: unknown }).__skipconnHarness !== undefined, undefined, { timeout: 60_000 });
    return new ChromiumSession(browser, page, server, bundle.excluded, `Chromium ${browser.version()}`);
  } catch (err) {
    await browser?.close().catch(() => undefined);
    await server.close();
    throw err;
  }
}

let shared: { session: Promise<ChromiumSession>; users: number } | undefined;

/** The shared session (launched on first use); pair every acquire with releaseBrowser(). */
export function acquireBrowser(): Promise<BrowserSession> {
  if (shared === undefined) {
    const session = launch();
    shared = { session, users: 0 };
    session.catch(() => {
      shared = undefined;
    });
  }
  shared.users++;
  return shared.session;
}

export async function releaseBrowser(): Promise<void> {
  if (shared === undefined) return;
  shared.users--;
  if (shared.users > 0) return;
  const { session } = shared;
  shared = undefined;
  await (await session.catch(() => undefined))?.close();
}
